// File: what a run of a task graph reports, task by task and agent by agent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "troupe/base/error.hpp"

namespace troupe {

/// Final state of one task.
enum class task_status { pending, done, failed, skipped, cancelled };

/// The name of a task status as used in reports.
const char* to_string(task_status status) noexcept;

/// An agent that failed on one input item of a task; the agent's other
/// items and the task's other agents are not affected.
struct item_failure {
  /// Index of the item in the run's items.
  std::uint32_t item = 0;
  troupe::error error;
};

/// What one agent of a task did: its own measured time and its failures.
struct agent_work {
  std::string agent;
  /// Seconds the agent's own work took in the task's last attempt (shared
  /// work, such as the parse group-1 agents share, is not included).
  double seconds = 0;
  /// Items it ran on, and of those, how many were answered by the cache.
  std::uint32_t items = 0;
  std::uint32_t cache_hits = 0;
  /// Items it failed on after every attempt.
  std::vector<item_failure> failures;
};

/// An output of a task: one per item for per-item agents, one (item
/// `no_item`) for agents that take the items as a whole.
struct task_output {
  static constexpr std::uint32_t no_item = 0xffffffffu;
  std::string agent;
  std::uint32_t item = no_item;
  std::shared_ptr<const std::string> bytes;
};

/// Outcome of one task of a run.
struct task_outcome {
  task_status status = task_status::pending;
  std::uint32_t attempts = 0;
  /// Worker slot that ran the last attempt, and its node (index into
  /// graph_result::nodes; 0 is the local process).
  std::uint32_t worker = 0;
  std::uint32_t node = 0;
  /// Start and end of the last attempt, seconds since the run started.
  double started_s = 0;
  double finished_s = 0;
  /// Why the task failed or was skipped.
  troupe::error error;
  /// Per agent of the task (task_spec::agents, same order).
  std::vector<agent_work> agents;
  /// The outputs of the task's agents, where they have any.
  std::vector<task_output> outputs;
};

/// One agent's row of a run: its tasks folded together.
struct agent_summary {
  std::string agent;
  /// done: every item; failed: some item or task failed; skipped: a
  /// dependency failed; cancelled: the run stopped first.
  task_status status = task_status::pending;
  std::uint32_t tasks = 0;
  /// Attempts of its tasks (a retry that runs only this agent counts once).
  std::uint32_t attempts = 0;
  /// The agent's own seconds, summed over its tasks.
  double seconds = 0;
  std::uint32_t items = 0;
  std::uint32_t cache_hits = 0;
  std::vector<item_failure> failures;
  /// Why the agent failed or was skipped (the first reason).
  troupe::error error;
};

/// One node's share of a run: the local process first, then every node
/// that lent it worker slots.
struct node_outcome {
  std::string name;
  std::uint32_t workers = 0;
  /// Attempts it answered, and the seconds they took there.
  std::uint32_t tasks = 0;
  double busy_seconds = 0;
  /// Payload bytes of the attempts sent to it (item contents, upstream
  /// outputs) and of its replies (output records); 0 for the local node,
  /// whose messages are never serialised.
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  /// Items its agents found in its cache.
  std::uint64_t cache_hits = 0;
  /// Whether it was lost during the run (its attempts went elsewhere), when
  /// (seconds since the run started), and when the first of them was sent
  /// again; negative when not lost or nothing was resent.
  bool lost = false;
  double lost_at_s = -1;
  double redispatched_at_s = -1;
  /// Why it was lost or could not serve the run.
  troupe::error error;

  /// The row of the process that runs the graph.
  static node_outcome local(std::uint32_t workers) {
    node_outcome out;
    out.name = "local";
    out.workers = workers;
    return out;
  }
};

/// Outcome of a whole graph run.
struct graph_result {
  std::vector<task_outcome> tasks;
  double wall_seconds = 0;
  /// Worker slots of the run, every node's together.
  std::uint32_t workers = 0;
  bool cancelled = false;
  /// The nodes that ran it, the local process first.
  std::vector<node_outcome> nodes;

  /// True when every task is done and no agent failed on any item.
  bool ok() const noexcept;
  /// Number of tasks with the given status.
  std::size_t count(task_status status) const noexcept;
  /// Number of (agent, item) failures inside tasks that are done.
  std::size_t item_failures() const noexcept;
};

} // namespace troupe
