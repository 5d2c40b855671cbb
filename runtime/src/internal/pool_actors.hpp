// File: the actors of one graph run: the supervisor and the agent lanes.
// Internal.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include <caf/fwd.hpp>

#include "internal/run_state.hpp"
#include "troupe/runtime/internal/agent_executor.hpp"
#include "troupe/runtime/internal/messages.hpp"
#include "troupe/runtime/internal/sender_guard.hpp"

namespace troupe::detail {

/// What a lane that other processes can reach adds to a local one.
struct lane_hooks {
  /// Asked about the sender of every batch; a batch it refuses is dropped.
  std::shared_ptr<sender_guard> guard;
  /// Counts the attempts the lane ran.
  std::shared_ptr<std::atomic<std::uint64_t>> tasks_done;
  /// Kept alive as long as the lane (the executor of a served lane).
  std::shared_ptr<const void> keep_alive;
};

/// Spawns a lane of `executor`: a detached agent actor (its own thread, so
/// blocking work never stalls CAF's scheduler) that runs attempts and
/// answers each with a done_atom message to `supervisor`.
agent_actor spawn_lane(caf::actor_system& sys, const agent_executor& executor,
                       run_state_ptr state, supervisor_actor supervisor,
                       lane_hooks hooks = {});

/// Spawns the supervisor of one run: it spawns the lanes of every executor
/// the graph names, dispatches ready tasks by upward rank, retries (only
/// what failed), skips dependants of failed tasks, and fulfils
/// `state->done` when every task is final.
supervisor_actor spawn_supervisor(caf::actor_system& sys, run_state_ptr state);

} // namespace troupe::detail
