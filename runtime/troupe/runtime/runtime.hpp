// File: the embedding API: one actor system, a worker pool and a supervisor.
//
// Usage:
//
//   troupe::runtime rt{troupe::runtime_options{.workers = 2}};
//   troupe::task_graph g;
//   auto a = g.add({"load", "loader", 0.01, {}, load_fn});
//   g.add({"sum", "summer", 0.01, {a}, sum_fn});
//   troupe::graph_result r = rt.run(g);
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

#include <caf/fwd.hpp>

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

/// Policy of one graph run.
struct graph_run_options {
  /// Extra attempts after a failed attempt.
  std::uint32_t max_retries = 3;
  /// Time one attempt of a task may take.
  std::chrono::milliseconds task_timeout = std::chrono::seconds(60);
  /// Called on the supervisor's thread after each task reaches a final state;
  /// must be quick and must not block.
  std::function<void(std::size_t task, const task_outcome&)> on_task_finished;
};

/// An embedded troupe runtime: owns a CAF actor system configured in code
/// (never from the host's argv or files) and a pool of worker actors.
class runtime {
public:
  /// Starts the actor system and the workers.
  explicit runtime(runtime_options options = {});

  /// Cancels a run in progress, stops the workers and joins every thread.
  ~runtime();

  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  /// Runs `graph` to completion (or cancellation) and reports every task.
  /// Tasks run on worker threads; the calling thread only waits.
  graph_result run(const task_graph& graph, const graph_run_options& options = {});

  /// Asks the run in progress to stop dispatching; in-flight tasks finish.
  void cancel() noexcept;

  /// Number of worker actors.
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

  /// The actor system, for hosts that spawn their own actors next to troupe's.
  caf::actor_system& system() noexcept;

  /// A named troupe logger ("troupe.runtime", ...) writing to the host's sink.
  std::shared_ptr<spdlog::logger> logger(const std::string& name) const;

private:
  void persist_now();

  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe
