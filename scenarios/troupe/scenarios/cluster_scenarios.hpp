// File: the scenarios that need `troupe node` processes. `remote_round_trip`
// and `l3_latency` start nodes on 127.0.0.1 (troupe_cluster_bench); the
// scenarios of runs across nodes need `troupe run --join` and are listed
// as pending until this build has it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "troupe/scenarios/builtin_scenarios.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// Why the pending cluster scenarios cannot run with this build.
constexpr const char* needs_run_join = "needs troupe run --join (runs across nodes), which this "
                                       "build does not have";

/// Name and one-line summary of each cluster scenario this build cannot run
/// yet: `cluster` (a run on 1 node vs 3 nodes) and `l3_warm` (a cold node
/// whose run is served by a warm L3).
std::vector<std::pair<std::string, std::string>> pending_cluster_scenarios();

/// The cluster scenarios this build runs, in run order:
/// `remote_round_trip` (an empty task batch to a node's lane and its reply,
/// against the same messages to a raw CAF actor in another process) and
/// `l3_latency` (a get on a node's L3 shard, with the local L1 and L2
/// actors' gets in the same rounds; metrics l1/l2/l3_hit_p50_us).
std::vector<scenario_spec> cluster_scenarios(const scenario_inputs& in);

} // namespace troupe::scenarios
