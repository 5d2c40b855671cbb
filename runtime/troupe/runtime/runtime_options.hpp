// File: what a host gives the runtime when it embeds troupe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "troupe/cache/l1_store.hpp"

namespace spdlog::sinks {
class sink;
} // namespace spdlog::sinks

namespace troupe::detail {
class system_setup;
} // namespace troupe::detail

namespace troupe {

/// How a runtime talks to other processes: off for a runtime that runs on
/// its own; on for a node and for a run that other nodes join.
struct network_options {
  /// Loads CAF's middleman (BASP over TCP), and the openssl module when
  /// the TLS files are given.
  bool enabled = false;
  /// Heartbeats between connected processes; a peer silent for
  /// `connection_timeout` is lost (keep it at least 4x the interval).
  std::chrono::milliseconds heartbeat_interval{200};
  std::chrono::milliseconds connection_timeout{1000};
  /// Mutual TLS (PEM files): the cluster's CA, this process's certificate
  /// and its key; all three or none.
  std::string tls_ca;
  std::string tls_certificate;
  std::string tls_key;

  /// Whether TLS is configured.
  bool tls() const noexcept {
    return !tls_ca.empty() || !tls_certificate.empty() || !tls_key.empty();
  }
};

/// The budget and plumbing a host grants one runtime instance.
struct runtime_options {
  /// Worker actors (each on its own thread); 0 means one per hardware thread.
  std::uint32_t workers = 0;
  /// Tasks in flight per worker before the supervisor holds back.
  std::uint32_t queue_size = 2;
  /// Pin each worker slot's lane thread to one core (slot i on core
  /// i mod cores).
  bool cpu_affinity = false;
  /// Threads of CAF's cooperative scheduler (supervisor, single-lane agents
  /// such as the corpus agents, cache actors); 0: workers + 1.
  std::uint32_t scheduler_threads = 0;
  /// Memory budget in bytes, 0 for none; the in-memory cache tier is kept
  /// to at most half of it.
  std::uint64_t memory_budget = 0;
  /// Folder of the result cache; empty runs without any cache tier.
  std::string cache_dir;
  /// Byte bound of the in-memory tier (L1).
  std::uint64_t l1_bytes = 256ull << 20;
  /// Byte bound of the on-disk tier (L2).
  std::uint64_t l2_bytes = 2ull << 30;
  /// Time to live of an L1 entry.
  std::chrono::milliseconds l1_ttl = std::chrono::hours(1);
  /// Which records L1 keeps: `always` for a host that analyses again in the
  /// same process; `troupe run` (one analysis per process) uses
  /// `second_use`, so records used once cost no memory.
  cache::l1_admission l1_admission = cache::l1_admission::always;
  /// Where troupe's loggers write; null means stderr. The host's default
  /// spdlog logger is never touched.
  std::shared_ptr<spdlog::sinks::sink> log_sink;
  /// Talking to other nodes (off by default).
  network_options network;
  /// What other components add to the actor system's configuration before
  /// it starts (the nodes component registers its protocol's messages);
  /// troupe/runtime/internal/system_setup.hpp.
  std::vector<std::shared_ptr<const detail::system_setup>> setup;
  /// The level of troupe's loggers, as spdlog names it ("info", "debug",
  /// "warning", ...; an unknown name means "off").
  std::string log_level = "info";
};

} // namespace troupe
