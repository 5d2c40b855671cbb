// File: where the cache tiers log when their owner gave them no logger.
// Internal.
#pragma once

#include <memory>

#include <spdlog/logger.h>

namespace troupe::cache::detail {

/// A logger named "troupe.cache" writing to standard error, never registered
/// with spdlog's global registry (a host's loggers stay as they are); the
/// runtime passes its own named logger instead.
std::shared_ptr<spdlog::logger> default_logger();

} // namespace troupe::cache::detail
