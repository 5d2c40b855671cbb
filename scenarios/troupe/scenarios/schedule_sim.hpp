// File: a run's schedule replayed on virtual workers: the supervisor's own
// dispatch rules (troupe/runtime/dispatch_rules.hpp: upward-rank order,
// least occupied slot, single-lane tasks on idle slots, holding back behind
// a waiting task that outranks, short tasks in batches) applied to a task
// graph whose task durations were measured in a real run.
//
// Usage:
//
//   schedule_input in = schedule_input_of(registry, result.plan, result.graph);
//   auto eight = simulate_schedule(in, {8});
//   double efficiency = simulate_schedule(in, {1}).makespan / (8 * eight.makespan);
//
// What it leaves out: messages cost nothing (a few microseconds each
// against tasks of milliseconds), a slot is one core (its attempts run one
// after another, none slowed by another's memory traffic), and every task
// takes the time measured for it whatever runs beside it. Its figures are
// the scheduler's, labelled "simulated", never a measurement.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "troupe/runtime/agent_registry.hpp"
#include "troupe/runtime/graph_result.hpp"
#include "troupe/runtime/task_graph.hpp"

namespace troupe::scenarios {

/// A graph to replay: its tasks (edges, and the cost estimates the ranks
/// come from), which executor group each task runs on, and how long each
/// took.
struct schedule_input {
  task_graph graph;
  /// Per task: index of its executor group.
  std::vector<std::size_t> group_of;
  /// Per group: one lane per slot (per-item agents) or a single lane.
  std::vector<bool> group_per_slot;
  /// Per task: measured seconds of its (last) attempt.
  std::vector<double> seconds;
};

/// The virtual machine.
struct schedule_options {
  /// Worker slots (virtual cores).
  std::uint32_t workers = 1;
  /// Messages in flight per slot (runtime_options::queue_size).
  std::uint32_t queue_size = 2;
  /// Attempts at once (graph_run_options::max_concurrent; 0: one per slot).
  std::uint32_t max_concurrent = 0;
};

/// The replayed schedule.
struct schedule_outcome {
  /// Time from the first dispatch to the last task's end.
  double makespan = 0;
  /// Sum of the task durations (the same for every worker count).
  double busy_seconds = 0;
  /// Per task: start, end and slot.
  std::vector<double> started;
  std::vector<double> finished;
  std::vector<std::uint32_t> slot;
};

/// Replays `in` on `options.workers` virtual slots with the supervisor's
/// rules; throws std::invalid_argument when the input's sizes disagree.
schedule_outcome simulate_schedule(const schedule_input& in, const schedule_options& options);

/// The input of a real run: its planned graph, each task's executor group
/// (the executor of its first agent in `agents`) and the measured length of
/// each task's last attempt in `result` (0 for a task that never ran).
schedule_input schedule_input_of(const agent_registry& agents, const task_graph& graph,
                                 const graph_result& result);

} // namespace troupe::scenarios
