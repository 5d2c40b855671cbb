// File: the error codes shared by every troupe component (the base component,
// which every other component may depend on).
#pragma once

#include <cstdint>
#include <string_view>

namespace troupe {

/// Error codes of troupe; the runtime registers them with CAF as the error
/// category "troupe", so they travel inside `caf::error` values.
enum class errc : std::uint8_t {
  ok = 0,
  /// A profile or command line was malformed (exit code 2).
  invalid_config,
  /// A file or directory could not be read.
  unreadable_input,
  /// A path that must exist does not.
  not_found,
  /// An agent failed all of its attempts.
  agent_failed,
  /// A task ran longer than `agents.task_timeout`.
  task_timeout,
  /// A dependency failed, so this task did not run.
  skipped,
  /// A peer (node, index server) did not answer or misbehaved (exit 69).
  peer_unreachable,
  /// A cache record failed its checksum or format check.
  corrupt_record,
  /// The run was cancelled by a signal or by the host (exit 130).
  cancelled,
  /// The DAG given to the runtime is malformed (cycle, unknown dependency).
  invalid_graph,
  /// The actor runtime itself failed (an actor died, a message was not
  /// understood); the text names CAF's reason.
  runtime_failure,
  /// A peer and this process do not belong together: their cluster ids,
  /// protocol versions or tokens differ; the text names which (exit 2).
  peer_refused,
};

/// The stable name of an error code, as shown in logs and reports.
std::string_view to_string(errc code) noexcept;

} // namespace troupe
