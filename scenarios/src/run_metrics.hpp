// File: figures the cache scenarios read from what a variant left behind:
// a troupe report.json or `name=value` lines on stdout. Internal.
#pragma once

#include <string>

#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios::detail {

/// Cache figures of the report.json at `path`: files, hits per tier (all
/// agents), the `symbols` agent's misses, hit_rate and stage_s, L1/L2 hit
/// latency p50/p99 in microseconds (only for a tier that hit), corrupt
/// records and each run phase as phase_NAME_s. Empty when the file cannot be
/// read or parsed.
metric_map report_metrics(const std::string& path);

/// Every `name=value` token of `text` whose value is a number, except
/// `sample_s` (already the sample).
metric_map stdout_metrics(const std::string& text);

} // namespace troupe::scenarios::detail
