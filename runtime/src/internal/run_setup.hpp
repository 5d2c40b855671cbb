// File: what a run settles before its supervisor starts. Internal.
#pragma once

#include <memory>

#include "internal/run_state.hpp"

namespace spdlog {
class logger;
} // namespace spdlog

namespace troupe::detail {

/// Finds each task's executor group (run_state::groups, group_of); a task
/// naming an unknown agent, or agents of different executors, gets its
/// error in task_errors instead.
void resolve_executors(run_state& st);

/// Asks every node of the run's options for lanes of the per-item executor
/// groups; a node that refuses or fails is left out of the run (its reason
/// logged and kept in result.nodes). Fills run_state::remotes and the
/// result's node list.
void open_remote_lanes(run_state& st, const std::shared_ptr<spdlog::logger>& log);

} // namespace troupe::detail
