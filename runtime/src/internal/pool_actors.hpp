// File: the supervisor and worker actors of a graph run. Internal.
#pragma once

#include <cstdint>

#include <caf/fwd.hpp>

#include "internal/run_state.hpp"

namespace troupe::detail {

/// Spawns a detached worker (its own thread, so blocking task bodies never
/// stall CAF's scheduler) that runs attempts of the run's tasks.
caf::actor spawn_worker(caf::actor_system& sys, run_state_ptr state, std::uint32_t id);

/// Spawns the supervisor of one run: it spawns the workers, dispatches ready
/// tasks by upward rank, retries, skips dependants of failed tasks, and
/// fulfils `state->done` when every task is final.
caf::actor spawn_supervisor(caf::actor_system& sys, run_state_ptr state);

} // namespace troupe::detail
