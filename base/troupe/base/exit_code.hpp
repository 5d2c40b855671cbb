// File: the process exit codes of the troupe CLI (DESIGN.md "Contracts").
#pragma once

namespace troupe {

/// Exit codes every troupe command uses.
enum exit_code : int {
  exit_ok = 0,
  /// The run finished, but some agents failed.
  exit_agents_failed = 1,
  /// Usage or configuration error (including an output that cannot be
  /// written); nothing was started.
  exit_usage = 2,
  /// The run completed and found something at or above `--fail-on`.
  exit_findings = 3,
  /// The run completed with an overall score below `--fail-under`.
  exit_score = 4,
  /// `troupe bench --baseline`: a figure regressed beyond the threshold.
  exit_regression = 5,
  /// A peer or service could not be reached (sysexits EX_UNAVAILABLE).
  exit_unavailable = 69,
  /// The run completed but its outputs could not be written (a full disk,
  /// a folder removed meanwhile); none of them was replaced, the cache
  /// keeps the work (sysexits EX_IOERR).
  exit_output_failed = 74,
  /// Interrupted by SIGINT or SIGTERM.
  exit_interrupted = 130,
};

} // namespace troupe
