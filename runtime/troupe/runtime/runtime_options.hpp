// File: what a host gives the runtime when it embeds troupe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "troupe/cache/l1_store.hpp"

namespace spdlog::sinks {
class sink;
} // namespace spdlog::sinks

namespace troupe::detail {
class system_extension;
} // namespace troupe::detail

namespace troupe {

/// The budget and plumbing a host grants one runtime instance.
struct runtime_options {
  /// Worker actors (each on its own thread); 0 means one per hardware thread.
  std::uint32_t workers = 0;
  /// Tasks in flight per worker before the supervisor holds back.
  std::uint32_t queue_size = 2;
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
  /// Extends the actor system's configuration; null for a runtime that
  /// talks to no other process. Set by troupe::nodes::enable_network (the
  /// distribution layer, heartbeats, TLS and the node protocol).
  std::shared_ptr<const detail::system_extension> extension;
};

} // namespace troupe
