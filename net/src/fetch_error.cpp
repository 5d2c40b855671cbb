#include "troupe/net/fetch_error.hpp"

namespace troupe::net {

std::string_view to_string(fetch_error err) noexcept {
  switch (err) {
    case fetch_error::none:
      return "none";
    case fetch_error::resolve_failed:
      return "resolve_failed";
    case fetch_error::connect_failed:
      return "connect_failed";
    case fetch_error::timeout:
      return "timeout";
    case fetch_error::connection_closed:
      return "connection_closed";
    case fetch_error::server_error:
      return "server_error";
    case fetch_error::protocol_error:
      return "protocol_error";
    case fetch_error::cancelled:
      return "cancelled";
  }
  return "unknown";
}

bool is_retryable(fetch_error err) noexcept {
  switch (err) {
    case fetch_error::connect_failed:
    case fetch_error::timeout:
    case fetch_error::connection_closed:
    case fetch_error::server_error:
      return true;
    default:
      return false;
  }
}

} // namespace troupe::net
