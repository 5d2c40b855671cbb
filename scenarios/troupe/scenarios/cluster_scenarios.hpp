// File: the scenarios that need `troupe node` processes, all started on
// 127.0.0.1 by troupe_cluster_bench.
#pragma once

#include <string>
#include <vector>

#include "troupe/scenarios/builtin_scenarios.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// The cluster scenarios this build runs, in run order:
/// `remote_round_trip` (an empty task batch to a node's lane and its reply,
/// against the same messages to a raw CAF actor in another process) and
/// `l3_latency` (a get on a node's L3 shard, with the local L1 and L2
/// actors' gets in the same rounds; metrics l1/l2/l3_hit_p50_us),
/// `cluster` (an uncached run with 3 worker slots in one process vs the
/// same slots on 3 nodes) and `l3_warm` (a run with an empty cache joined
/// to nodes whose L3 holds its records vs the same with fresh nodes).
std::vector<scenario_spec> cluster_scenarios(const scenario_inputs& in);

} // namespace troupe::scenarios
