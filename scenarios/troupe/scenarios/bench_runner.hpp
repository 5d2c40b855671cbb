// File: measuring scenarios: interleaved samples of child processes.
#pragma once

#include <ostream>

#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// How many samples to take and where progress goes.
struct bench_options {
  /// Timed samples per variant.
  int samples = 5;
  /// Untimed runs of every variant before sampling (page cache, lazy init).
  int warmups = 1;
  /// Whether verdicts judge the figures against the requirements of
  /// troupe's issues (they are set for full runs on the whole corpus; a
  /// quick run reports its figures without them).
  bool judge_requirements = true;
  /// Progress lines (stderr in the CLI).
  std::ostream* log = nullptr;
};

/// Measures a scenario: after the warm-ups, samples of the variants are taken
/// round-robin (A B A B ...) so that drift in the machine's load hits every
/// variant alike; each sample is one child process, timed from fork to exit
/// (or timed inside it, variant_spec::inner_sample). Variants that cannot
/// run here are reported so and never run.
scenario_result run_scenario(const scenario_spec& spec, const bench_options& options);

} // namespace troupe::scenarios
