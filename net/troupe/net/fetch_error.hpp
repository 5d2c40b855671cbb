// File: why an HTTP fetch did not produce an answer.
#pragma once

#include <cstdint>
#include <string_view>

namespace troupe::net {

/// The outcome class of one fetch; `none` means the server answered (any
/// status below 500, a 404 included: "package not found" is an answer).
enum class fetch_error : std::uint8_t {
  none = 0,
  /// The host name did not resolve.
  resolve_failed,
  /// The TCP connection could not be made (refused, unreachable).
  connect_failed,
  /// Connect plus request plus response took longer than the timeout.
  timeout,
  /// The server closed the connection before the response was complete.
  connection_closed,
  /// The server answered 5xx on every attempt.
  server_error,
  /// The response was not valid HTTP/1.1.
  protocol_error,
  /// The pool shut down before the request finished.
  cancelled,
};

/// The stable name of an error, as shown in logs and reports.
std::string_view to_string(fetch_error err) noexcept;

/// True for errors worth another attempt (transient by nature).
bool is_retryable(fetch_error err) noexcept;

} // namespace troupe::net
