// File: a local package-index HTTP server (Boost.Beast) for tests and
// benchmarks: `GET /pypi/NAME/json` served from a JSON data file, with
// injected latency and faults.
//
// Usage:
//   index_server_options opts;
//   opts.data_file = source_dir + "/tests/fixtures/index/packages.json";
//   opts.latency = std::chrono::milliseconds(50);
//   opts.schedule["numpy"] = {index_fault::server_error, index_fault::cut};
//   index_server server{opts};
//   if (auto err = server.start()) fail(*err);
//   http_client_pool pool{{"127.0.0.1", server.port()}};
//   ...                      // the destructor stops the server
//
// Thread safety: `start`, `stop`, `port` and `stats` may be called from any
// thread; the server itself runs on one internal I/O thread. Latency and
// slow responses wait on Asio timers, never by blocking that thread, so
// concurrent requests overlap.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "troupe/net/index_fault.hpp"

namespace troupe::net {

/// Data, address, latency and fault injection of an `index_server`.
struct index_server_options {
  /// JSON object NAME -> {"info": {...}, "releases": {...}}; names are
  /// matched after PEP 503 normalization ("PyYAML" == "pyyaml").
  std::string data_file;
  /// Port on 127.0.0.1; 0 picks an ephemeral one (see `port()`).
  std::uint16_t port = 0;
  /// Delay before every response.
  std::chrono::milliseconds latency{0};
  /// Probability that a request is answered 503 (names not scheduled).
  double fail_rate = 0.0;
  /// Probability that a response waits `slow_delay`.
  double slow_rate = 0.0;
  /// Probability that a response is cut off mid-body.
  double cut_rate = 0.0;
  /// Delay of a `slow` response (make it exceed the client's timeout).
  std::chrono::milliseconds slow_delay = std::chrono::seconds(5);
  /// Deterministic faults per package: the k-th request for NAME gets
  /// schedule[NAME][k]; later requests are served normally and the
  /// random rates do not apply to a scheduled name.
  std::map<std::string, std::vector<index_fault>> schedule;
  /// Seed of the random faults.
  std::uint64_t seed = 1;
  /// A keep-alive connection idle this long is closed.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
};

/// Counters of an `index_server`.
struct index_server_stats {
  /// TCP connections accepted.
  std::uint64_t connections = 0;
  /// HTTP requests read (faulty answers included).
  std::uint64_t requests = 0;
  /// 200 answers.
  std::uint64_t found = 0;
  /// 404 answers.
  std::uint64_t not_found = 0;
  /// Requests answered 503 by injection.
  std::uint64_t injected_errors = 0;
  /// Requests delayed by `slow_delay`.
  std::uint64_t injected_slow = 0;
  /// Responses cut off mid-body.
  std::uint64_t injected_cuts = 0;
};

/// Serves a package-index JSON API on 127.0.0.1 until stopped.
class index_server {
public:
  explicit index_server(index_server_options opts);

  /// Stops (see `stop`).
  ~index_server();

  index_server(const index_server&) = delete;
  index_server& operator=(const index_server&) = delete;

  /// Loads the data file, binds and starts serving; returns the reason on
  /// failure (unreadable data, port in use), nothing on success.
  [[nodiscard]] std::optional<std::string> start();

  /// Closes the listener and every connection, cancels pending delays and
  /// joins the I/O thread. Idempotent.
  void stop();

  /// The bound port; 0 before a successful `start`.
  std::uint16_t port() const noexcept;

  /// Number of packages loaded from the data file.
  std::size_t package_count() const noexcept;

  /// A snapshot of the counters.
  index_server_stats stats() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::net
