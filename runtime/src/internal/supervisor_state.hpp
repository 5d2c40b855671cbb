// File: the state of one run's supervisor and the task state machine it
// drives (runtime/src/supervisor_tasks.cpp); the actor itself is
// runtime/src/supervisor.cpp. Internal.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "internal/run_state.hpp"
#include "troupe/runtime/dispatch_rules.hpp"

namespace troupe::detail {

constexpr auto no_index = static_cast<std::size_t>(-1);

/// An attempt sent to a lane and not answered yet.
struct pending_attempt {
  std::size_t task;
  std::uint32_t attempt;
  /// Dispatch slots it occupies (a single-lane agent's task takes a whole
  /// slot: nothing else queues behind it there); a batch's weight rides on
  /// its first attempt.
  std::uint32_t weight;
  caf::actor_addr lane;
  /// When the watchdog writes the attempt off.
  std::chrono::steady_clock::time_point deadline;
};

/// The local lanes of one executor group: one per local slot, or one; and
/// the measured length of its attempts (short ones travel in batches).
struct lane_group {
  std::vector<agent_actor> lanes;
  /// Smoothed seconds of one attempt; negative until the first reply.
  double mean_seconds = -1;
};

/// One worker slot: local, or one of a remote node's.
struct slot_info {
  /// Index into run_state::remotes; no_index for a local slot.
  std::size_t remote = no_index;
  /// False once its node was lost.
  bool alive = true;
};

/// What the next attempt of a task covers: everything, or only the agents
/// and items that failed in an earlier attempt (each agent is retried on
/// its own; what succeeded is kept).
struct attempt_scope {
  bool narrowed = false;
  std::vector<std::string> agents;
  std::vector<std::uint32_t> items;
};

struct supervisor_state {
  run_state_ptr run;
  std::vector<double> ranks;
  std::vector<std::size_t> missing_deps;
  std::priority_queue<ready_entry> ready;
  /// Ranks of the pending tasks still waiting for a dependency: a ready task
  /// is queued behind a busy slot's current one only if none outranks it.
  std::multiset<double> waiting_ranks;
  /// Per executor group of the run (run_state::groups).
  std::vector<lane_group> groups;
  std::vector<attempt_scope> scope;
  std::vector<shared_bytes> payloads;
  /// Per slot: where it is, occupied weight and unanswered attempts; an
  /// answer not found here is a late duplicate of an attempt written off
  /// (or of a lost node), and is dropped.
  std::vector<slot_info> slots;
  std::vector<std::uint32_t> in_flight;
  std::vector<std::vector<pending_attempt>> pending;
  /// Per remote node: lost, and whether its first resent attempt is still
  /// to be timed.
  std::vector<bool> lost;
  std::vector<bool> resend_pending;
  /// Per task, where the cache holding most of its items is (an index into
  /// run_state::remotes, remotes.size() for this process, or no_index);
  /// empty without graph_run_options::item_home. Set with the slots.
  std::vector<std::size_t> task_home;
  /// Tasks whose attempts a lost node held.
  std::set<std::size_t> orphans;
  std::size_t final_count = 0;
  std::size_t total_in_flight = 0;
  bool finished = false;
  static inline const char* name = "troupe.supervisor";
};

inline task_outcome& outcome(supervisor_state& st, std::size_t task) {
  return st.run->result.tasks[task];
}

inline const task_spec& spec(const supervisor_state& st, std::size_t task) {
  return st.run->graph->tasks()[task];
}

/// Makes `task` final; dependants become ready, or are skipped (cancelled)
/// unless they run after failures.
void finalize(supervisor_state& st, std::size_t task, task_status status, troupe::error why);

/// The run was cancelled: every task not running now ends cancelled, but
/// for those that run after failures, which still run once the attempts in
/// flight have answered.
void cancel_run(supervisor_state& st);

/// A failed attempt: retried (within max_retries) with the same scope, else
/// final; a narrowed task keeps what its earlier attempts did (done, with
/// those failures recorded).
void attempt_failed(supervisor_state& st, std::size_t task, troupe::error why);

/// Folds a successful attempt's reply into the task's outcome and either
/// finalizes the task or queues a retry of what failed in it.
void attempt_answered(supervisor_state& st, std::size_t task, task_reply& reply);

/// The request of one attempt of `task` (its scope, items, upstream).
task_request make_request(supervisor_state& st, std::size_t task, std::uint32_t attempt,
                          std::uint32_t slot);

} // namespace troupe::detail
