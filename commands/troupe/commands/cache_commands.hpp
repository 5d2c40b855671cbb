// File: `troupe cache stats|verify|clear|gc`, callable without a command line.
#pragma once

#include <cstdint>
#include <string>

namespace troupe {

/// Which maintenance action `troupe cache` runs.
enum class cache_action { stats, verify, clear, gc };

/// Arguments of `troupe cache`.
struct cache_command_options {
  cache_action action = cache_action::stats;
  /// Cache folder; empty means default_cache_dir().
  std::string cache_dir;
  /// verify: delete the records that fail their checks.
  bool remove_bad = false;
  /// gc: evict least recently used records down to this many bytes.
  std::uint64_t max_bytes = 0;
};

/// Runs the action on the disk tier and prints what it found; exit code 0,
/// 1 when verify found damaged records (and left them), 2 when the folder
/// cannot be used.
int cache_command(const cache_command_options& options);

} // namespace troupe
