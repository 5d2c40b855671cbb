// File: the scenarios behind the result cache's figures (issue 5).
#pragma once

#include <vector>

#include "troupe/scenarios/builtin_scenarios.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// `ast_parse` (the parse-and-extract stage from L1 vs cold, in one process),
/// `cache_warm` (a whole run from L2 in a new process vs cold), `incremental`
/// (a run after 10% of the files changed vs cold) and `hit_rate_90` (the same
/// at a rotating 10% of files, read as the speedup at a 90% hit rate). Their
/// variants report cache hit latencies and hit rates as metrics.
std::vector<scenario_spec> cache_scenarios(const scenario_inputs& in);

} // namespace troupe::scenarios
