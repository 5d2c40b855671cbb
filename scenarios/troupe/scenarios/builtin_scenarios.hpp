// File: the benchmark scenarios troupe ships, built for one machine.
#pragma once

#include <string>
#include <vector>

#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// Where the scenarios find their inputs and put their scratch files.
struct scenario_inputs {
  /// The troupe executable the variants run.
  std::string troupe_binary;
  /// The corpus analysed (default: the Python standard library; a quick
  /// run's sample of it).
  std::string corpus;
  /// Scratch directory for reports and caches of the variants.
  std::string scratch_dir;
  /// Worker count of the parallel variants (default: hardware threads).
  unsigned workers = 2;
  /// A quick run: smaller workloads (fewer messages, packages, task
  /// costs) and slow peers sampled once.
  bool quick = false;
  /// Where the peers the benchmark setup installs live (scripts/bench-setup:
  /// ruff's WebAssembly build).
  std::string peers_dir;
};

/// The path of one of the benchmark's helper programs (`troupe_stage_bench`,
/// ...) or scripts: next to the troupe binary in a build tree, in
/// PREFIX/libexec/troupe once installed.
std::string helper_program(const scenario_inputs& in, const std::string& name);

/// "" when the helper program exists, else why it does not.
std::string helper_missing(const scenario_inputs& in, const std::string& name);

/// All shipped scenarios, in the order `troupe bench` runs them. Building
/// them runs nothing (peers are probed when a scenario runs).
std::vector<scenario_spec> builtin_scenarios(const scenario_inputs& in);

} // namespace troupe::scenarios
