#include "troupe/commands/cache_commands.hpp"

#include <cstdio>
#include <iostream>

#include "troupe/base/exit_code.hpp"
#include "troupe/cache/cache_dir.hpp"
#include "troupe/cache/l2_store.hpp"

namespace troupe {

int cache_command(const cache_command_options& options) {
  auto dir = options.cache_dir.empty() ? cache::default_cache_dir() : options.cache_dir;
  cache::l2_options l2o;
  l2o.directory = dir + "/records";
  // Never evict on open: only gc removes records for size.
  l2o.max_bytes = UINT64_MAX;
  cache::l2_store store{l2o};
  if (auto err = store.open()) {
    std::cerr << "troupe: error: " << dir << ": " << err.message() << '\n';
    return exit_usage;
  }
  switch (options.action) {
    case cache_action::stats: {
      auto s = store.stats();
      std::printf("cache folder  %s\nrecords       %llu\nbytes         %llu\n"
                  "stale temps   %llu removed at open\n",
                  dir.c_str(), static_cast<unsigned long long>(s.entries),
                  static_cast<unsigned long long>(s.bytes),
                  static_cast<unsigned long long>(s.stale_temps_removed));
      return exit_ok;
    }
    case cache_action::verify: {
      auto r = store.verify(options.remove_bad);
      for (const auto& bad : r.bad)
        std::printf("corrupt  %s: %s\n", bad.path.c_str(), bad.reason.c_str());
      std::printf("records %llu, intact %llu, corrupt %zu, removed %llu\n",
                  static_cast<unsigned long long>(r.records),
                  static_cast<unsigned long long>(r.intact), r.bad.size(),
                  static_cast<unsigned long long>(r.removed));
      return r.bad.size() > r.removed ? exit_agents_failed : exit_ok;
    }
    case cache_action::clear:
      if (auto err = store.clear()) {
        std::cerr << "troupe: error: " << err.message() << '\n';
        return exit_usage;
      }
      std::printf("cleared %s\n", dir.c_str());
      return exit_ok;
    case cache_action::gc: {
      auto r = store.gc(options.max_bytes);
      std::printf("records %llu -> %llu, bytes %llu -> %llu, removed %llu\n",
                  static_cast<unsigned long long>(r.records_before),
                  static_cast<unsigned long long>(r.records_after),
                  static_cast<unsigned long long>(r.bytes_before),
                  static_cast<unsigned long long>(r.bytes_after),
                  static_cast<unsigned long long>(r.removed));
      return exit_ok;
    }
  }
  return exit_usage;
}

} // namespace troupe
