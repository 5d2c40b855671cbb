// File: the lanes a process serves for a run that another process
// supervises (a node's share of a remote run). Internal: never installed.
//
// Usage (on the serving node, for each executor the run's agents use):
//
//   detail::served_run run{sys, supervisor, std::chrono::seconds(60), guard, done,
//                          detail::make_serving_locals(registry), node_cache};
//   for (std::uint32_t i = 0; i < (executor->per_slot() ? workers : 1); ++i)
//     lanes.push_back(run.spawn_lane(executor));
//   ...
//   run.stop();   // or let the destructor do it
//
// A served lane runs attempts exactly as a local lane does, with the
// serving locals of this node's registry (the file stage works from the
// files' contents the tasks carry; the owning process's per-run state stays
// there) and this node's cache, answers the supervisor with done_atom, and
// processes only messages its guard admits.
//
// Thread safety: not thread-safe; owned by one actor (the node actor).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <caf/fwd.hpp>

#include "troupe/runtime/internal/agent_executor.hpp"
#include "troupe/runtime/internal/lanes.hpp"
#include "troupe/runtime/internal/messages.hpp"
#include "troupe/runtime/internal/sender_guard.hpp"

namespace troupe::detail {

/// Counts the served lanes of a process that are not cleaned up yet.
///
/// Why a node's shutdown waits for it: a served lane is monitored by the
/// remote run, so its end sends a down message to the BASP broker. A message
/// still in the broker's mailbox when CAF 0.17.6 stops the middleman is
/// never destroyed (abstract_broker::cleanup does not drain the mailbox),
/// and it holds the lane (its source) strongly: the detached lane is never
/// destroyed, and the actor system's destructor waits for every detached
/// actor, forever. A lane leaves the census in a functor attached at spawn,
/// before its handle leaves the process: cleanup runs the latest attached
/// first, so by then the remote monitors' down messages are enqueued, and
/// the runtime's shutdown sees them handled (one round trip through the
/// broker, quiet_broker in runtime.cpp).
///
/// Thread safety: every member function may be called from any thread.
class lane_census {
public:
  void add();
  void remove();
  /// Whether every lane added has been removed, waiting at most `limit`.
  bool wait_empty(std::chrono::milliseconds limit);

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  std::size_t alive_ = 0;
};

/// The lanes one process runs for a run supervised elsewhere.
class served_run {
public:
  /// Lanes of this run answer the supervisor that sends them work, fail
  /// attempts that take longer than `task_timeout`, drop messages `guard`
  /// does not admit (no check when null), add the attempts they ran to
  /// `tasks_done` (if not null), run with `locals` (make_serving_locals)
  /// and use `cache` (may be null); every lane is counted in `census`
  /// until it is cleaned up (no count when null).
  served_run(caf::actor_system& sys, supervisor_actor supervisor,
             std::chrono::milliseconds task_timeout, std::shared_ptr<sender_guard> guard,
             std::shared_ptr<std::atomic<std::uint64_t>> tasks_done,
             std::shared_ptr<run_locals> locals, std::shared_ptr<cache::tiered_cache> cache,
             std::shared_ptr<lane_census> census = nullptr);

  /// Stops the lanes (see stop).
  ~served_run();

  served_run(const served_run&) = delete;
  served_run& operator=(const served_run&) = delete;

  /// Spawns one more lane of `executor` (kept alive by the lane).
  agent_actor spawn_lane(std::shared_ptr<const agent_executor> executor);

  /// Marks the run cancelled (a lane's executor stops between items) and
  /// ends every lane once its current batch is done. Idempotent.
  void stop();

  /// The supervisor the lanes answer.
  const supervisor_actor& supervisor() const noexcept {
    return supervisor_;
  }

  /// Lanes spawned so far.
  const std::vector<agent_actor>& lanes() const noexcept {
    return lanes_;
  }

private:
  caf::actor_system& sys_;
  supervisor_actor supervisor_;
  std::shared_ptr<lane_env> env_;
  std::vector<agent_actor> lanes_;
  std::shared_ptr<lane_census> census_;
  bool stopped_ = false;
};

} // namespace troupe::detail
