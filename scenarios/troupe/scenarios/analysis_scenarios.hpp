// File: the scenarios over whole analyses that the original report's
// claims name: orchestration, efficiency, overall (and memory), codegen.
#pragma once

#include "troupe/scenarios/builtin_scenarios.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// `orchestration`: the 23-agent DAG of an uncached run scheduled in
/// parallel vs the same agents one after another (same binary,
/// `agents.parallel_execution: false`); pyflakes and ruff's WebAssembly
/// build checking the same tree as peers.
scenario_spec orchestration(const scenario_inputs& in);

/// `efficiency`: parallel efficiency at 2, 4 and 8 workers, simulated from
/// the measured task durations of a real run with the supervisor's rules
/// (troupe_schedule_bench), checked against a real run on this machine's
/// workers.
scenario_spec efficiency(const scenario_inputs& in);

/// `overall`: the naive way (one worker, agents one after another, no
/// cache) vs troupe's everyday run (a tenth of the files changed since the
/// last run, cache on, every worker); also against a cold run. Its peak
/// RSS figures give the memory claim.
scenario_spec overall(const scenario_inputs& in);

/// `codegen`: codegen_tests and codegen_docs rendering the corpus's API
/// surface from templates compiled once vs parsed for every file.
scenario_spec codegen(const scenario_inputs& in);

} // namespace troupe::scenarios
