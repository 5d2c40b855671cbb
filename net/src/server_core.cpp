#include "server_core.hpp"

namespace troupe::net::detail {

server_core::server_core(index_server_options options)
  : opts(std::move(options)), rng(opts.seed) {
  for (auto& [name, faults] : opts.schedule)
    schedule[package_index::normalize(name)] = faults;
}

index_fault server_core::next_fault(const std::string& package) {
  auto key = package_index::normalize(package);
  if (auto i = schedule.find(key); i != schedule.end()) {
    auto k = scheduled_seen[key]++;
    return k < i->second.size() ? i->second[k] : index_fault::none;
  }
  std::uniform_real_distribution<double> coin{0.0, 1.0};
  auto u = coin(rng);
  if (u < opts.fail_rate)
    return index_fault::server_error;
  if (u < opts.fail_rate + opts.slow_rate)
    return index_fault::slow;
  if (u < opts.fail_rate + opts.slow_rate + opts.cut_rate)
    return index_fault::cut;
  return index_fault::none;
}

} // namespace troupe::net::detail
