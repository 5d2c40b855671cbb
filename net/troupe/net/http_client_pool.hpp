// File: a pooled HTTP/1.1 client (Boost.Beast over Asio TCP) for one host.
//
// Usage:
//   http_client_options opts = http_client_options::from(settings.network,
//                                                         "127.0.0.1", port);
//   http_client_pool pool{opts};
//   auto results = pool.fetch_all({"/pypi/requests/json", "/pypi/numpy/json"});
//   for (auto& r : results)
//     if (r.found()) use(r.body);
//     else if (r.ok()) note_missing(r.path, r.status); // e.g. 404
//     else report(r.path, to_string(r.error), r.reason);
//
// Thread safety: every member function may be called from any thread, and
// several `fetch_all` calls may run at once: they share the connections and
// the in-flight bound. All sockets live on one internal I/O thread, so a
// blocked caller never stalls another; never call `fetch_all` from a thread
// that must not block (an actor's handler), use a blocking actor or a thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "troupe/config/settings.hpp"
#include "troupe/net/http_result.hpp"

namespace troupe::net {

/// Target, bounds and retry policy of an `http_client_pool`.
struct http_client_options {
  /// Host name or address; tests use 127.0.0.1 only.
  std::string host = "127.0.0.1";
  /// TCP port of the index.
  std::uint16_t port = 80;
  /// Keep-alive connections held open at most.
  std::uint32_t pool_size = 8;
  /// Requests outstanding at most (HTTP/1.1 has no pipelining here, so the
  /// effective concurrency is min(pool_size, max_in_flight)).
  std::uint32_t max_in_flight = 16;
  /// Bound of one attempt: connect (if needed), write and read together.
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  /// Extra attempts after a retryable failure (connect error, timeout,
  /// 5xx, connection closed mid-response); never after a 4xx.
  std::uint32_t max_retries = 3;
  /// Backoff before retry n is min(backoff_max, backoff_base * 2^(n-1)),
  /// scaled by a random factor in [0.5, 1] so retries do not align.
  std::chrono::milliseconds backoff_base = std::chrono::milliseconds(20);
  /// The cap of one backoff wait.
  std::chrono::milliseconds backoff_max = std::chrono::seconds(1);
  /// False is the baseline: one new connection per request, in sequence
  /// (`pool_size` and `max_in_flight` are then ignored).
  bool pooled = true;
  /// A larger response body fails with `protocol_error` (not retried).
  std::uint64_t max_body_bytes = 64ull << 20;
  /// Seed of the backoff jitter, for reproducible runs.
  std::uint64_t seed = 0x7e0;

  /// Options for `host:port` with the bounds of a profile's `network:` keys.
  static http_client_options from(const config::network_settings& net,
                                  std::string host, std::uint16_t port);
};

/// Counters of an `http_client_pool` since it was created.
struct http_client_stats {
  /// Logical requests submitted (one per path).
  std::uint64_t requests = 0;
  /// Attempts made (requests + retries).
  std::uint64_t attempts = 0;
  /// Attempts that were retries of an earlier failure.
  std::uint64_t retries = 0;
  /// Requests that ended with an error after all attempts.
  std::uint64_t failures = 0;
  /// TCP connections opened.
  std::uint64_t connections_opened = 0;
  /// Attempts sent on an already open keep-alive connection.
  std::uint64_t connections_reused = 0;
};

/// Issues GET requests to one host through a bounded pool of keep-alive
/// connections, with per-attempt timeouts and retries with backoff.
class http_client_pool {
public:
  /// Resolves the host (blocking, once) and starts the I/O thread; a name
  /// that does not resolve makes every fetch fail with `resolve_failed`.
  explicit http_client_pool(http_client_options opts);

  /// Shuts down (see `shutdown`).
  ~http_client_pool();

  http_client_pool(const http_client_pool&) = delete;
  http_client_pool& operator=(const http_client_pool&) = delete;

  /// GETs every path, blocking the caller until all have an outcome;
  /// results are in the order of `paths`.
  [[nodiscard]] std::vector<http_result>
  fetch_all(const std::vector<std::string>& paths);

  /// GETs one path, blocking the caller.
  [[nodiscard]] http_result fetch(const std::string& path);

  /// Fails queued and in-flight requests with `cancelled`, closes every
  /// connection and joins the I/O thread; later fetches fail at once.
  /// Idempotent.
  void shutdown();

  /// A snapshot of the counters.
  http_client_stats stats() const;

  /// The options this pool was made with.
  const http_client_options& options() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::net
