// File: the actors of one graph run: the supervisor and the agent lanes.
// Internal.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include <caf/fwd.hpp>

#include "internal/run_state.hpp"
#include "troupe/runtime/internal/agent_executor.hpp"
#include "troupe/runtime/internal/lanes.hpp"
#include "troupe/runtime/internal/messages.hpp"
#include "troupe/runtime/internal/sender_guard.hpp"

namespace troupe::detail {

/// Spawns the supervisor of one run: it spawns the lanes of every executor
/// the graph names, dispatches ready tasks by upward rank, retries (only
/// what failed), skips dependants of failed tasks, and fulfils
/// `state->done` when every task is final.
supervisor_actor spawn_supervisor(caf::actor_system& sys, run_state_ptr state);

} // namespace troupe::detail
