// File: what a run of a task graph reports, task by task.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace troupe {

/// Final state of one task.
enum class task_status { pending, done, failed, skipped, cancelled };

/// The name of a task status as used in reports.
const char* to_string(task_status status) noexcept;

/// Outcome of one task of a run.
struct task_outcome {
  task_status status = task_status::pending;
  std::uint32_t attempts = 0;
  /// Worker that ran the last attempt.
  std::uint32_t worker = 0;
  /// Start and end of the last attempt, seconds since the run started.
  double started_s = 0;
  double finished_s = 0;
  /// Why the task failed or was skipped.
  std::string error;
};

/// Outcome of a whole graph run.
struct graph_result {
  std::vector<task_outcome> tasks;
  double wall_seconds = 0;
  std::uint32_t workers = 0;
  bool cancelled = false;

  /// True when every task is done.
  bool ok() const noexcept;
  /// Number of tasks with the given status.
  std::size_t count(task_status status) const noexcept;
};

} // namespace troupe
