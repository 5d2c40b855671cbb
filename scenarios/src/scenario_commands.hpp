// File: the commands scenarios are made of: `troupe run` with its usual
// options, scratch paths, and reading a run's report. Internal.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "troupe/scenarios/builtin_scenarios.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios::detail {

using command = std::vector<std::string>;

/// A path below the scratch folder.
std::string scratch(const scenario_inputs& in, const std::string& name);

/// `troupe run CORPUS --workers W --quiet --out SCRATCH/TAG`, with the
/// cache folder `cache` ("" for --no-cache), then `extra` options.
command troupe_run(const scenario_inputs& in, const std::string& corpus,
                   const std::string& cache, const std::string& tag, command extra = {});

/// Reads the figures of the report a `troupe_run(..., tag)` wrote.
std::function<metric_map(const std::string&)> report_of(const scenario_inputs& in,
                                                        const std::string& tag);

/// Reads `name=value` figures from a child's stdout.
metric_map printed_figures(const std::string& stdout_text);

/// The profile that runs the agents one after another
/// (`agents.parallel_execution: false`), shipped with the benchmark.
std::string one_after_another_profile(const scenario_inputs& in);

/// Why a variant that only adds a comparison is not run by `--quick`.
constexpr const char* left_out_of_quick =
  "left out of --quick runs (a further comparison, not the claim); run without --quick";

/// The first `name` found on $PATH, or "".
std::string find_on_path(const std::string& name);

/// "" when `program ARGS...` exits 0, else `why` (a probe of a peer).
std::string probe_command(const command& program, const std::string& why);

} // namespace troupe::scenarios::detail
