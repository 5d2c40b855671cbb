// File: the outcome of one GET request made through an http_client_pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "troupe/net/fetch_error.hpp"

namespace troupe::net {

/// What a GET produced: an answer (status and body) or an error with its
/// reason, after `attempts` tries. Errors are values, never exceptions.
struct http_result {
  /// The requested path, e.g. "/pypi/requests/json".
  std::string path;
  /// HTTP status of the last response; 0 when none arrived.
  unsigned status = 0;
  /// Body of the last response (empty on error).
  std::string body;
  /// `none` when the server answered with a status below 500.
  fetch_error error = fetch_error::none;
  /// Human-readable cause of `error`, e.g. "connect: Connection refused".
  std::string reason;
  /// Tries made, the first included (1 when no retry was needed).
  std::uint32_t attempts = 0;
  /// From submission to completion, backoff waits and retries included.
  std::chrono::microseconds latency{0};

  /// True when the server answered (2xx, 3xx or 4xx).
  bool ok() const noexcept {
    return error == fetch_error::none;
  }

  /// True for a 200 answer.
  bool found() const noexcept {
    return ok() && status == 200;
  }
};

} // namespace troupe::net
