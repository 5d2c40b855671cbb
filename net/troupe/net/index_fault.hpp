// File: the faults the local index server can inject into a response.
#pragma once

#include <cstdint>

namespace troupe::net {

/// What the index server does to one response instead of serving it well.
enum class index_fault : std::uint8_t {
  /// Serve the response after the configured latency.
  none = 0,
  /// Answer 503 Service Unavailable (keeping the connection open).
  server_error,
  /// Serve the response after `slow_delay` instead of the latency.
  slow,
  /// Send the headers and half of the body, then close the connection.
  cut,
};

} // namespace troupe::net
