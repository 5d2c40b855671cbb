// File: running a command as a child process and measuring it. Internal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace troupe::scenarios::detail {

/// What one child process run cost.
struct child_run {
  int exit_code = -1;
  double wall_s = 0;
  std::uint64_t peak_rss_bytes = 0;
  /// The tail of its stderr when it failed.
  std::string error;
};

/// Runs `command` with stdout discarded (or, given `out`, kept there) and
/// stderr kept for diagnostics.
child_run run_child(const std::vector<std::string>& command, std::string* out = nullptr);

} // namespace troupe::scenarios::detail
