// File: the scenarios that need `troupe node` processes, and their rows of
// the claims table. They come with the nodes component; until then this
// is where they plug in, and the claims table says they need nodes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "troupe/scenarios/builtin_scenarios.hpp"
#include "troupe/scenarios/claims.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// Name and one-line summary of each cluster scenario, in run order:
/// `cluster` (a run on 1 node vs 3 nodes), `remote_round_trip` (a task's
/// round trip to another node's lane vs a local lane) and `l3_warm` (a run
/// served from the L3 group vs cold; its candidate reports the metric
/// `l3_hit_p50_us`).
std::vector<std::pair<std::string, std::string>> cluster_scenario_names();

/// The cluster scenarios this build can run; empty without the nodes
/// component.
std::vector<scenario_spec> cluster_scenarios(const scenario_inputs& in);

/// The claims table's rows for the cluster scenarios: the figure of each
/// that ran, else "needs nodes: added with the nodes component".
std::vector<claim_row> cluster_claims(const std::vector<scenario_result>& results);

} // namespace troupe::scenarios
