// File: a run's task graph, built from the agent registry.
//
// Every per-item agent gets one task per shard of the items (agents that
// share an executor and are registered one after another share those
// tasks: the group-1 agents share one parse per file); every corpus and
// aggregate agent gets one task. Edges follow the registry: a task waits
// for the tasks of the agents it depends on (a per-item dependency of a
// per-item agent: the same shard only).
//
// Usage:
//
//   auto graph = troupe::plan_graph(reg, items.size());
//   auto result = rt.run(reg, graph, items);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "troupe/runtime/agent_registry.hpp"
#include "troupe/runtime/graph_result.hpp"
#include "troupe/runtime/task_graph.hpp"

namespace troupe {

/// How to cut and describe a run's tasks.
struct plan_options {
  /// The items per-item agents run on, in shards: one task per shard (and
  /// agent group). Empty: one shard per item.
  std::vector<std::vector<std::uint32_t>> shards;
  /// Sets a task's name, cost, files and bytes; `shard` is the index into
  /// `shards` of a per-item task, or npos. Default: the agent's id (with
  /// the shard in brackets) and a cost of 1 ms per item or task.
  std::function<void(task_spec& task, std::size_t shard)> describe;
};

/// The graph of one run of `agents` over `items` input items.
task_graph plan_graph(const agent_registry& agents, std::size_t items,
                      const plan_options& options = {});

/// Index of each agent's tasks in a planned graph, by agent id order of the
/// registry: what `plan_graph` created for the agent at `agents()[i]`.
std::vector<std::vector<std::size_t>> tasks_by_agent(const agent_registry& agents,
                                                     const task_graph& graph);

/// One row per agent of `registry` (registry order): its tasks in `graph`
/// folded into one status, attempts, own seconds, cache hits and the items
/// it failed on; an agent with no task is `skipped`.
std::vector<agent_summary> summarise_agents(const agent_registry& registry,
                                            const task_graph& graph, const graph_result& result);

} // namespace troupe
