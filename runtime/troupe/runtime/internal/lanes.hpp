// File: spawning agent lanes, for the runtime's own runs and for nodes that
// serve other processes' runs. Internal: never installed.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <caf/fwd.hpp>

#include "troupe/runtime/internal/agent_executor.hpp"
#include "troupe/runtime/internal/messages.hpp"

namespace troupe {
class agent_registry;
} // namespace troupe

namespace troupe::cache {
class tiered_cache;
} // namespace troupe::cache

namespace troupe::detail {

/// What the lanes of one run share on the process that runs them.
struct lane_env {
  /// Set when the run is cancelled; executors poll it per item.
  std::atomic<bool> cancelled{false};
  /// An attempt longer than this fails (errc::task_timeout).
  std::chrono::milliseconds task_timeout{std::chrono::seconds(60)};
  /// The run's locals on the process that owns the run; null on a node
  /// that serves another process's run.
  std::shared_ptr<run_locals> locals;
  /// The cache of the process the lanes run in (for lanes without locals).
  cache::tiered_cache* cache = nullptr;
  /// When set, a batch whose sender it rejects is dropped unanswered (a
  /// node admits only authenticated peers).
  std::function<bool(const caf::strong_actor_ptr& sender)> admit;
  /// Pin per-slot lanes' threads to cores (lane i on core i mod cores).
  bool cpu_affinity = false;
  /// Where the lanes answer: the supervisor that opened them on a node
  /// (then a batch from anyone else is answered there too); unset, the
  /// sender of each batch.
  supervisor_actor reply_to;
  /// Counts the attempts the lanes ran (a node's health), if set.
  std::shared_ptr<std::atomic<std::uint64_t>> tasks_done;
  /// What the lanes use and must outlive them (a served run's executors,
  /// cache and guard).
  std::vector<std::shared_ptr<const void>> keep_alive;
};

/// The locals a node gives the lanes of another process's run: the file
/// stage of its own registry (same binary, same agents), whose tasks carry
/// the files' contents.
std::shared_ptr<run_locals> make_serving_locals(const agent_registry& agents,
                                                std::uint64_t max_file_bytes = 5ull << 20);

/// Spawns a lane of `executor`: an agent actor that runs each batch of
/// attempts in order and answers the run's supervisor (lane_env::reply_to,
/// else the batch's sender) with one done_atom message holding their
/// replies. Per-item executors get a
/// detached actor (its own thread); single-lane ones run on the scheduler.
agent_actor spawn_lane(caf::actor_system& sys, const agent_executor& executor,
                       std::shared_ptr<lane_env> env, std::uint32_t index = 0);

} // namespace troupe::detail
