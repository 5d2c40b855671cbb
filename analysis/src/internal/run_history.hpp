// File: what earlier runs measured, kept in the cache folder so that the
// next run ranks tasks by real costs and sizes its shards to a target
// duration (DESIGN.md "The flow of one run": "using past durations").
#pragma once

#include "troupe/base/error.hpp"

#include <map>
#include <string>

namespace troupe::detail {

/// Costs measured by earlier runs on this cache folder.
struct run_history {
  /// Source bytes one worker parses and analyses per second (files whose
  /// records were computed, stage time: decode, parse, every agent, store),
  /// from the last run that parsed at least 1 MiB; 0 when unknown.
  double group1_bytes_per_second = 0;
  /// Seconds each corpus agent took, smoothed over runs (half the last
  /// value plus half the new one).
  std::map<std::string, double> agent_seconds;

  /// Reads `path`; a missing file gives an empty history, an unreadable or
  /// malformed one too, with `warning` set to say why
  /// (errc::corrupt_record naming the file).
  static run_history load(const std::string& path, error& warning);

  /// Writes through a temporary file of this writer and a rename (writers
  /// sharing `path` each put a whole history in place);
  /// errc::unwritable_output naming the file when it cannot.
  error save(const std::string& path) const;

  /// Folds in one agent's measured seconds.
  void record_agent(const std::string& id, double seconds);
};

} // namespace troupe::detail
