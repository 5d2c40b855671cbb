// File: state shared by an index_server and its sessions (I/O thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "package_index.hpp"
#include "troupe/net/index_server.hpp"

namespace troupe::net::detail {

class index_session;

/// Counters written on the I/O thread and read from any thread.
struct server_counters {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> found{0};
  std::atomic<std::uint64_t> not_found{0};
  std::atomic<std::uint64_t> injected_errors{0};
  std::atomic<std::uint64_t> injected_slow{0};
  std::atomic<std::uint64_t> injected_cuts{0};
};

/// The options, data, fault state and live sessions of one server. Only
/// the I/O thread touches anything but the counters.
struct server_core {
  explicit server_core(index_server_options options);

  /// The fault for the next request of `package` (schedule, then rates).
  index_fault next_fault(const std::string& package);

  index_server_options opts;
  package_index index;
  server_counters counters;
  std::mt19937_64 rng;
  /// `opts.schedule` keyed by normalized name.
  std::unordered_map<std::string, std::vector<index_fault>> schedule;
  /// Requests seen per scheduled package name (normalized).
  std::unordered_map<std::string, std::size_t> scheduled_seen;
  /// Live sessions, closed on stop.
  std::map<index_session*, std::weak_ptr<index_session>> sessions;
  bool stopping = false;
};

} // namespace troupe::net::detail
