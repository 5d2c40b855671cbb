// File: `troupe bench`, callable without a command line.
#pragma once

#include <string>
#include <vector>

namespace troupe::scenarios {

/// Arguments of `troupe bench`.
struct bench_command_options {
  /// Scenario names; empty means all.
  std::vector<std::string> scenarios;
  /// Fewer samples, for a quick look (figures are noisier).
  bool quick = false;
  std::string corpus = "/usr/lib/python3.11";
  std::string out_dir = "troupe-bench";
  /// Worker count of the parallel variants; 0 means hardware threads.
  unsigned workers = 0;
  /// Samples per variant; 0 means 5 (3 with quick).
  int samples = 0;
};

/// Runs the scenarios, prints a table, writes OUT/bench.json and OUT/bench.md.
/// Exit code 0 when every scenario was measured, 1 when one failed to run,
/// 2 for an unknown scenario name.
int bench_command(const bench_command_options& options);

} // namespace troupe::scenarios
