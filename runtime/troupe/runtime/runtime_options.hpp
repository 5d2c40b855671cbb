// File: what a host gives the runtime when it embeds troupe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace spdlog::sinks {
class sink;
} // namespace spdlog::sinks

namespace troupe {

/// The budget and plumbing a host grants one runtime instance.
struct runtime_options {
  /// Worker actors (each on its own thread); 0 means one per hardware thread.
  std::uint32_t workers = 0;
  /// Tasks in flight per worker before the supervisor holds back.
  std::uint32_t queue_size = 2;
  /// Threads of CAF's cooperative scheduler (supervisor, cache actors); 0: 1.
  std::uint32_t scheduler_threads = 0;
  /// Soft memory budget in bytes, 0 for none; reported, enforced by the tuner.
  std::uint64_t memory_budget = 0;
  /// Folder of the on-disk cache tier; empty disables it.
  std::string cache_dir;
  /// Where troupe's loggers write; null means stderr. The host's default
  /// spdlog logger is never touched.
  std::shared_ptr<spdlog::sinks::sink> log_sink;
};

} // namespace troupe
