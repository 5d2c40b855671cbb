// File: the embedding API: one actor system; each run gets a supervisor and
// the lanes of the agents its graph names.
//
// Usage:
//
//   troupe::agent_registry reg;
//   reg.add({"square", 1, troupe::agent_scope::per_item, {}, "x*x"}, square_fn);
//   reg.add({"sum", 1, troupe::agent_scope::aggregate, {"square"}, "sum"}, sum_fn);
//   std::vector<troupe::work_item> items = {{"a", "3"}, {"b", "4"}};
//   troupe::runtime rt{opts};
//   troupe::graph_result r = rt.run(reg, troupe::plan_graph(reg, items.size()), items);
//
// Thread-safety: `run` may be called from any host thread, one run at a time
// per runtime (a second concurrent call waits); `cancel` may be called from
// any thread or a signal-watching thread at any time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "troupe/runtime/agent_registry.hpp"
#include "troupe/runtime/graph_result.hpp"
#include "troupe/runtime/runtime_options.hpp"
#include "troupe/runtime/task_graph.hpp"

namespace spdlog {
class logger;
} // namespace spdlog

namespace troupe::cache {
class tiered_cache;
} // namespace troupe::cache

namespace troupe {

class runtime;

namespace detail {
class remote_node;
class run_locals;
struct task_item;
} // namespace detail

/// An input item of a run: a name and its content.
struct work_item {
  std::string name;
  std::string content;
};

/// Policy of one graph run.
struct graph_run_options {
  /// Extra attempts after a failed attempt.
  std::uint32_t max_retries = 3;
  /// Time one attempt of a task may take.
  std::chrono::milliseconds task_timeout = std::chrono::seconds(60);
  /// Attempts running at once, every node's slots together; 0: one per
  /// slot. 1 runs the graph's tasks one after another.
  std::uint32_t max_concurrent = 0;
  /// Called on the supervisor's thread after each task reaches a final state;
  /// must be quick and must not block.
  std::function<void(std::size_t task, const task_outcome&)> on_task_finished;
  /// The settings that change the agents' outputs, as text; every task
  /// carries them (part of cache keys).
  std::string settings;
  /// Per-run state of the process that owns the run, for the runtime's own
  /// executors (an analysis's corpus and report writer); null for host runs.
  std::shared_ptr<detail::run_locals> locals;
  /// Other nodes lending their worker slots to the run (the nodes
  /// component joins them); per-item tasks may run there, the rest here.
  std::vector<std::shared_ptr<detail::remote_node>> nodes;
  /// Whether this process's slots take per-item work while another node's
  /// slot could; false when the nodes are this run's workers (worker
  /// processes): then they take it unless every one of them is lost.
  bool local_item_work = true;
  /// Per item, the node whose cache holds its results (index into `nodes`
  /// plus one, `home_here` for this process; 0 or missing: none known): a
  /// per-item task goes to the node holding most of its items while a slot
  /// there has room.
  std::vector<std::uint32_t> item_home;
  static constexpr std::uint32_t home_here = 0xffffffffu;
};

namespace detail {
/// Runs a graph over items in the form tasks carry them (the analysis's
/// source files); runtime/src/runtime.cpp.
graph_result run_graph(runtime& rt, const agent_registry& agents, const task_graph& graph,
                       std::vector<task_item> items, const graph_run_options& options);
} // namespace detail

/// An embedded troupe runtime: owns a CAF actor system configured in code
/// (never from the host's argv or files); each run spawns the lanes (agent
/// actors) of the agents its graph names, `workers` of them for per-item
/// agents, and a supervisor that dispatches the tasks to them as messages.
class runtime {
public:
  /// Starts the actor system.
  explicit runtime(runtime_options options = {});

  /// Cancels a run in progress, stops the workers and joins every thread.
  ~runtime();

  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  /// Runs `graph`, whose tasks name agents of `agents`, to completion (or
  /// cancellation) and reports every task. Tasks run on the agents' lanes;
  /// the calling thread only waits. A task naming an unknown agent fails.
  graph_result run(const agent_registry& agents, const task_graph& graph,
                   const graph_run_options& options = {});

  /// The same with input items: task_spec::items index `items`, and a
  /// per-item agent's handler gets each item's name and content.
  graph_result run(const agent_registry& agents, const task_graph& graph,
                   const std::vector<work_item>& items, const graph_run_options& options = {});

  /// Asks the run in progress to stop dispatching; in-flight tasks finish.
  /// Called while no run is in progress, it cancels the next run as that
  /// starts (so a signal during a host's start-up is not lost).
  void cancel() noexcept;

  /// Number of worker slots (attempts that may run at once).
  std::uint32_t workers() const noexcept;

  /// The result cache opened from `runtime_options::cache_dir`, or null when
  /// there is none. If the disk tier cannot be used, one warning is logged
  /// and the cache runs with its memory tier only. The key history (for
  /// "why it missed") is loaded at start and saved by `persist` (which the
  /// destructor calls).
  const std::shared_ptr<cache::tiered_cache>& cache() const noexcept;

  /// Writes out what outlives the process: commits the disk tier's queued
  /// records and saves the key history (skipped when unchanged since the
  /// last save), after waiting for a background persist. Called by the
  /// destructor and by a host that ends its process without destroying the
  /// runtime. Thread-safe.
  void persist();

  /// Starts a persist on a thread of its own and returns: an analysis
  /// calls it once its group-1 tasks are done (the rest of the run adds no
  /// record), so the file system sync overlaps the corpus agents and the
  /// reports; the next `persist` (or the destructor) waits for it.
  void persist_in_background();

  /// A named troupe logger ("troupe.runtime", ...) writing to the host's sink.
  std::shared_ptr<spdlog::logger> logger(const std::string& name) const;

private:
  friend graph_result detail::run_graph(runtime&, const agent_registry&, const task_graph&,
                                        std::vector<detail::task_item>,
                                        const graph_run_options&);
  friend struct runtime_access;
  void persist_now();

  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe
