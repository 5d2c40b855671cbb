// File: the code behind an agent actor: what a lane runs for one attempt of
// a task. Internal: never installed.
//
// An executor is stateless and shared by every lane and run; what one run
// needs beyond the task message (the analysis's corpus, its report writer)
// comes as `run_locals`, which only the process that owns the run has.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include <caf/error.hpp>

#include "troupe/runtime/agent.hpp"
#include "troupe/runtime/internal/messages.hpp"

namespace troupe {
struct graph_result;
} // namespace troupe

namespace troupe::cache {
class tiered_cache;
} // namespace troupe::cache

namespace troupe::detail {

/// Per-run state of the process that owns a run; executors that need it
/// downcast to the type their run set up.
class run_locals {
public:
  virtual ~run_locals() = default;

  /// Called on the supervisor's thread just before an attempt of `task` is
  /// sent, with the outcomes so far (every dependency of `task` is final).
  virtual void before_dispatch(std::size_t task, const graph_result& so_far) {
  }

  /// Called on the supervisor's thread with each reply of the run's lanes
  /// before the supervisor takes the outcome from it; may move what it
  /// keeps out of `reply.files`.
  virtual void on_reply(task_reply& reply) {
  }

  /// Called on the supervisor's thread for each item of an attempt sent to
  /// another node: sets `item.content` (the node cannot read this
  /// process's files). An item left without content fails there.
  virtual void fill_content(task_item& item) {
  }
};

/// What a lane knows when it runs an attempt.
struct lane_context {
  std::uint32_t slot = 0;
  /// Set when the run is being cancelled.
  const std::atomic<bool>* cancelled = nullptr;
  /// The run's locals; null on a node that only serves tasks.
  run_locals* locals = nullptr;
  /// The cache of the process the lane runs in, for executors that have
  /// no locals (a node serving another process's run); may be null.
  cache::tiered_cache* cache = nullptr;
};

/// Runs the attempts of one or more agents' tasks.
class agent_executor {
public:
  virtual ~agent_executor() = default;

  /// One lane per worker slot (work per item, parallel), or one lane.
  virtual bool per_slot() const noexcept = 0;

  /// Runs one attempt of `request`: fills `reply.agents` (one entry per
  /// agent of the request, same order), `reply.outputs` and `reply.files`.
  /// Per-item failures go into the agents' entries; the returned error
  /// fails the attempt as a whole.
  virtual caf::error run(const task_request& request, const lane_context& context,
                         task_reply& reply) const = 0;
};

/// The executor of an analysis's group-1 agents (`symbols` and the file
/// agents): one per process, so that they share tasks and one parse per
/// file (analysis/src/file_executor.cpp).
std::shared_ptr<const agent_executor> file_stage_executor();

/// The executor of a host agent: calls `handler` once per item of a task
/// (per-item scope) or once per task.
std::shared_ptr<const agent_executor> make_handler_executor(agent_scope scope,
                                                            agent_handler handler);

} // namespace troupe::detail
