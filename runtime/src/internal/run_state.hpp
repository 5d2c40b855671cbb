// File: the state one graph run shares between the host, the supervisor
// and the lanes. Internal: never installed.
#pragma once

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <vector>

#include "troupe/runtime/agent_registry.hpp"
#include "troupe/runtime/graph_result.hpp"
#include "troupe/runtime/internal/lanes.hpp"
#include "troupe/runtime/internal/messages.hpp"
#include "troupe/runtime/internal/remote_node.hpp"
#include "troupe/runtime/runtime.hpp"
#include "troupe/runtime/task_graph.hpp"

namespace troupe::detail {

/// The executor a task's agents run on, and the agents of the graph it
/// runs (what another node needs to open lanes for it).
struct executor_group {
  const agent_executor* executor = nullptr;
  bool per_slot = false;
  std::vector<std::string> agents;
};

/// Another node's slots in a run: they follow the local ones, from
/// `first_slot`; `lanes` per executor group (empty: the node cannot run it).
struct remote_share {
  std::shared_ptr<remote_node> node;
  std::uint32_t first_slot = 0;
  std::vector<std::vector<agent_actor>> lanes;
};

/// Everything a run needs; registry and graph are borrowed from the host,
/// which waits for `done` before it may destroy them.
struct run_state {
  std::uint64_t id = 0;
  const agent_registry* registry = nullptr;
  const task_graph* graph = nullptr;
  graph_run_options options;
  /// The run's input items, as tasks carry them.
  std::vector<task_item> items;
  /// Local worker slots (the remote ones follow them).
  std::uint32_t workers = 1;
  std::uint32_t queue_size = 1;
  /// Per task: its executor group (npos: the task names an unknown agent,
  /// or agents of different executors, and fails with `task_errors`).
  std::vector<executor_group> groups;
  std::vector<std::size_t> group_of;
  std::vector<troupe::error> task_errors;
  std::vector<remote_share> remotes;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  /// What this process's lanes of the run share (cancellation, timeout,
  /// locals, cache).
  std::shared_ptr<lane_env> env = std::make_shared<lane_env>();
  /// Written by the supervisor only; read by the host after `done`.
  graph_result result;
  std::promise<void> done;

  /// Seconds since the run started.
  double now_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }

  /// Seconds since the run started of a time point on the steady clock, in
  /// nanoseconds since its epoch (as lanes report them).
  double seconds_of(std::int64_t steady_ns) const {
    auto start = std::chrono::duration_cast<std::chrono::nanoseconds>(started.time_since_epoch());
    return static_cast<double>(steady_ns - start.count()) / 1e9;
  }
};

using run_state_ptr = std::shared_ptr<run_state>;

/// Now on the steady clock, in nanoseconds since its epoch.
inline std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

} // namespace troupe::detail
