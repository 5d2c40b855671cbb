#include "internal/run_history.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include <unistd.h>

namespace troupe::detail {

namespace {

constexpr int format_version = 1;

} // namespace

run_history run_history::load(const std::string& path, error& warning) {
  run_history h;
  std::ifstream in{path};
  if (!in)
    return h; // first run on this folder
  try {
    auto j = nlohmann::json::parse(in);
    if (j.value("version", 0) != format_version) {
      warning = {errc::corrupt_record, path + ": unknown format version, ignored"};
      return h;
    }
    h.group1_bytes_per_second = j.value("group1_bytes_per_second", 0.0);
    if (!(h.group1_bytes_per_second >= 0))
      h.group1_bytes_per_second = 0;
    auto agents = j.value("agent_seconds", nlohmann::json::object());
    for (const auto& [id, seconds] : agents.items())
      if (seconds.is_number() && seconds.get<double>() >= 0)
        h.agent_seconds[id] = seconds.get<double>();
  } catch (const std::exception& e) {
    warning = {errc::corrupt_record, path + ": malformed run history, ignored (" + e.what() + ")"};
    return run_history{};
  }
  return h;
}

error run_history::save(const std::string& path) const {
  nlohmann::json j{{"version", format_version},
                   {"group1_bytes_per_second", group1_bytes_per_second},
                   {"agent_seconds", agent_seconds}};
  // A temporary file of this writer alone: runs sharing a cache folder
  // save at the same time, and each rename puts a whole history in place.
  static std::atomic<unsigned> sequence{0};
  auto tmp = path + "." + std::to_string(::getpid()) + "-"
             + std::to_string(sequence.fetch_add(1)) + ".tmp";
  {
    std::ofstream out{tmp, std::ios::trunc};
    out << j.dump(1) << '\n';
    if (!out.flush()) {
      int err = errno;
      out.close();
      std::remove(tmp.c_str());
      return {errc::unwritable_output, err, "cannot write " + tmp + ": " + std::strerror(err)};
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return {errc::unwritable_output, err, "cannot rename " + tmp + ": " + std::strerror(err)};
  }
  return {};
}

void run_history::record_agent(const std::string& id, double seconds) {
  auto [it, inserted] = agent_seconds.emplace(id, seconds);
  if (!inserted)
    it->second = 0.5 * it->second + 0.5 * seconds;
}

} // namespace troupe::detail
