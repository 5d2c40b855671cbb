// File: a DAG of tasks as data, with the ranks the supervisor schedules by.
//
// A task is a message, never a closure: it names the agents it runs (by
// their registry id), the input items it covers and its own input bytes.
// The code that computes an agent's output is found by that id in the
// agent registry of the node that runs the task, so a task can run on this
// machine or on another one unchanged.
//
// Usage:
//
//   troupe::task_graph g;
//   auto a = g.add({"load", {"loader"}, 0.01, {}});
//   g.add({"sum", {"summer"}, 0.01, {a}});
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace troupe {

/// One vertex of a task graph.
struct task_spec {
  /// Unique, human-readable name ("group1[json/decoder.py +12]").
  std::string name;
  /// The agents this task runs, by registry id. Several agents share one
  /// task when they read the same items and share work on them (the
  /// group-1 agents of an analysis share one parse per file); they must
  /// then have the same executor in the registry.
  std::vector<std::string> agents;
  /// Estimated cost in seconds, used to compute upward ranks.
  double cost = 0.001;
  /// Indexes of the tasks that must finish first.
  std::vector<std::size_t> depends_on;
  /// The run's input items the task covers (indexes into the items given to
  /// `runtime::run`); empty for tasks that take none.
  std::vector<std::uint32_t> items;
  /// The task's own input bytes, handed to the agent as `agent_input::payload`.
  std::string payload;
  /// Runs even when a dependency failed or was skipped (a report that must
  /// describe failures); a cancelled run still skips it.
  bool after_failures = false;
  /// Input files the task covers, for progress and traces (0: none).
  std::uint32_t files = 0;
  /// Input bytes the task covers, for progress rates.
  std::uint64_t bytes = 0;

  /// The first agent's id (the task's agent for traces and reports).
  const std::string& agent() const noexcept;
};

/// A directed acyclic graph of tasks; build it, then hand it to the runtime.
///
/// Not thread-safe while being built; immutable once handed to a run.
class task_graph {
public:
  /// Adds a task and returns its index; dependencies must already exist
  /// (which makes every graph acyclic and its insertion order topological).
  /// Throws std::invalid_argument otherwise, naming the task.
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
