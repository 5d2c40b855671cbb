#include "cache_log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace troupe::cache::detail {

std::shared_ptr<spdlog::logger> default_logger() {
  static const auto log = std::make_shared<spdlog::logger>(
    "troupe.cache", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  return log;
}

} // namespace troupe::cache::detail
