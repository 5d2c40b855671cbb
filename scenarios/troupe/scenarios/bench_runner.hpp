// File: measuring scenarios: interleaved samples of child processes.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "troupe/scenarios/machine_info.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// How many samples to take and where progress goes.
struct bench_options {
  /// Timed samples per variant.
  int samples = 5;
  /// Untimed runs of every variant before sampling (page cache, lazy init).
  int warmups = 1;
  /// Progress lines (stderr in the CLI).
  std::ostream* log = nullptr;
};

/// Measures a scenario: after the warm-ups, samples of the variants are taken
/// round-robin (A B A B ...) so that drift in the machine's load hits every
/// variant alike; each sample is one child process, timed from fork to exit.
scenario_result run_scenario(const scenario_spec& spec, const bench_options& options);

/// Renders results as bench.json (DESIGN.md "Contracts").
std::string to_bench_json(const machine_info& machine, const std::vector<scenario_result>& results);

/// Renders results as a Markdown table for people.
std::string to_bench_markdown(const machine_info& machine,
                              const std::vector<scenario_result>& results);

} // namespace troupe::scenarios
