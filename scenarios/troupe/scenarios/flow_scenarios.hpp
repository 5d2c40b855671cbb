// File: in-process message-flow scenarios, each through troupe's actor
// layer against raw CAF in the same run, and the 23-agent DAG on troupe,
// TBB flow_graph and Dask's threaded scheduler.
#pragma once

#include <vector>

#include "troupe/scenarios/builtin_scenarios.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// `ping_pong`, `fork_join`, `thread_ring`, `counting_actor` (Savina's
/// counting actor) and `peers` (the 23-agent DAG with calibrated costs).
std::vector<scenario_spec> flow_scenarios(const scenario_inputs& in);

} // namespace troupe::scenarios
