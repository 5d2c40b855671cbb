// File: a DAG of tasks as data, with the ranks the supervisor schedules by.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/error.hpp>

namespace troupe {

/// What a running task may know about itself.
struct task_context {
  /// Index of the task in its graph.
  std::size_t task;
  /// 1 for the first attempt, 2 for the first retry, ...
  std::uint32_t attempt;
  /// Index of the worker running it.
  std::uint32_t worker;
  /// Set when the run is being cancelled; long tasks should poll it.
  const std::atomic<bool>* cancelled;
};

/// The body of a task: returns a default-constructed error on success.
/// Exceptions thrown by it are caught by the worker and count as a failure.
using task_function = std::function<caf::error(const task_context&)>;

/// One vertex of a task graph.
struct task_spec {
  /// Unique, human-readable name ("symbols[shard 3]").
  std::string name;
  /// The agent this task runs, for reports and per-agent statistics.
  std::string agent;
  /// Estimated cost in seconds, used to compute upward ranks.
  double cost = 0.001;
  /// Indexes of the tasks that must finish first.
  std::vector<std::size_t> depends_on;
  /// What the task does.
  task_function body;
  /// Input files the task covers, for progress and traces (0: none).
  std::uint32_t files = 0;
  /// Input bytes the task covers, for progress rates.
  std::uint64_t bytes = 0;
};

/// A directed acyclic graph of tasks; build it, then hand it to the runtime.
///
/// Not thread-safe while being built; immutable once handed to a run.
class task_graph {
public:
  /// Adds a task and returns its index; dependencies must already exist.
  std::size_t add(task_spec spec);

  /// The tasks in insertion order.
  const std::vector<task_spec>& tasks() const noexcept {
    return tasks_;
  }

  /// Number of tasks.
  std::size_t size() const noexcept {
    return tasks_.size();
  }

  /// Indexes of the tasks that depend on task `i`.
  const std::vector<std::size_t>& dependants(std::size_t i) const {
    return dependants_[i];
  }

  /// Upward rank of every task: its cost plus the largest rank among its
  /// dependants, i.e. the length of the longest path from it to an exit.
  std::vector<double> upward_ranks() const;

  /// Length of the critical path (the largest upward rank) in seconds.
  double critical_path() const;

private:
  std::vector<task_spec> tasks_;
  std::vector<std::vector<std::size_t>> dependants_;
};

} // namespace troupe
