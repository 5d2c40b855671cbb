// File: `troupe bench`, callable without a command line.
#pragma once

#include <string>
#include <vector>

#include "troupe/scenarios/bench_report.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// Arguments of `troupe bench`.
struct bench_command_options {
  /// Scenario names; empty means all.
  std::vector<std::string> scenarios;
  /// A sample of the corpus, smaller workloads and 3 samples without
  /// warm-ups: a look in about a minute (figures are noisier).
  bool quick = false;
  std::string corpus = "/usr/lib/python3.11";
  std::string out_dir = "troupe-bench";
  /// Worker count of the parallel variants; 0 means hardware threads.
  unsigned workers = 0;
  /// Samples per variant; 0 means 5 (3 with quick).
  int samples = 0;
  /// A bench.json to compare with (`--baseline FILE`).
  std::string baseline;
  /// Where to save this run's bench.json as a baseline (`--save-baseline FILE`).
  std::string save_baseline;
  /// The share a figure must move by, beyond its whole interval, to count
  /// as a regression or an improvement.
  double threshold = 0.05;
};

/// One line per scenario (name and summary), for `troupe bench --help`.
std::string scenario_help();

/// Runs the scenarios, prints bench.md, writes OUT/bench.json, bench.md
/// and bench.html. Exit codes: 0 every scenario measured (or not
/// measurable here, with the reason); 1 a scenario failed to run; 2 a usage
/// error (unknown scenario, unreadable baseline, unwritable output), before
/// anything ran; 5 (exit_regression) a figure regressed against
/// `--baseline` (1 takes precedence).
int bench_command(const bench_command_options& options);

/// Runs `specs` as bench_command runs the built-in scenarios, writing the
/// reports to `options.out_dir` and comparing with `options.baseline`;
/// `settings` describes the run in the reports. Same exit codes.
int run_bench(const std::vector<scenario_spec>& specs, const bench_command_options& options,
              bench_settings settings);

} // namespace troupe::scenarios
