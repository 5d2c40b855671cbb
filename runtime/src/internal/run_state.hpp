// File: the state one graph run shares between the host, the supervisor
// and the workers. Internal: never installed.
#pragma once

#include <atomic>
#include <chrono>
#include <future>
#include <memory>

#include "troupe/runtime/graph_result.hpp"
#include "troupe/runtime/runtime.hpp"
#include "troupe/runtime/task_graph.hpp"

namespace troupe::detail {

/// Everything a run needs; the graph is borrowed from the host, which waits
/// for `done` before it may destroy it.
struct run_state {
  const task_graph* graph = nullptr;
  graph_run_options options;
  std::uint32_t workers = 1;
  std::uint32_t queue_size = 1;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<bool> cancelled{false};
  /// Written by the supervisor only; read by the host after `done`.
  graph_result result;
  std::promise<void> done;

  /// Seconds since the run started.
  double now_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
};

using run_state_ptr = std::shared_ptr<run_state>;

} // namespace troupe::detail
