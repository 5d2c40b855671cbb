// File: the supervisor's dispatch rules as pure functions: which slot a
// ready task goes to, when a ready task is held back, how many short tasks
// ride in one message. The supervisor (runtime/src/supervisor.cpp) applies
// them to its lanes; the benchmark's schedule simulation applies the same
// functions to virtual workers, so both follow one rule.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace troupe::detail {

/// No slot has room.
constexpr auto no_slot = static_cast<std::size_t>(-1);

/// Tasks of one executor are sent in one message while their measured
/// attempts together stay under this (a round trip between the supervisor
/// and a lane costs two thread wake-ups, some microseconds each, measured).
constexpr double batch_budget_seconds = 200e-6;

/// Most tasks in one message.
constexpr std::size_t max_batch = 64;

/// A ready task in the supervisor's priority queue: ordered by upward rank
/// (critical path first), then by index.
struct ready_entry {
  double rank;
  std::size_t task;
  bool operator<(const ready_entry& other) const {
    return rank != other.rank ? rank < other.rank : task > other.task;
  }
};

/// The slot a ready task goes to: the least occupied one that `can_run(s)`
/// and has room below `queue_size`; a task of a single-lane group only on
/// an idle slot that `is_local(s)`; with `max_concurrent` > 0, an idle slot
/// only while fewer slots than that are at work. no_slot when none fits.
template <class CanRun, class IsLocal>
std::size_t pick_slot(const std::vector<std::uint32_t>& in_flight, CanRun can_run,
                      IsLocal is_local, bool single_lane, std::uint32_t queue_size,
                      std::uint32_t max_concurrent) {
  std::size_t busy = 0;
  for (auto n : in_flight)
    busy += n > 0;
  bool idle_allowed = max_concurrent == 0 || busy < max_concurrent;
  std::size_t best = no_slot;
  for (std::size_t s = 0; s < in_flight.size(); ++s) {
    if (!can_run(s) || in_flight[s] >= queue_size)
      continue;
    if (single_lane && (in_flight[s] > 0 || !is_local(s)))
      continue;
    if (in_flight[s] == 0 && !idle_allowed)
      continue;
    if (best == no_slot || in_flight[s] < in_flight[best])
      best = s;
  }
  return best;
}

/// Whether the ready task at the top (of `ready_rank`) waits instead of
/// queueing behind the busy slot `best`: when a task still waiting for a
/// dependency outranks it (`top_waiting_rank`; pass `has_waiting` false
/// when none waits), since that task, once ready, would be stuck behind it.
inline bool hold_back(std::uint32_t best_in_flight, bool has_waiting, double ready_rank,
                      double top_waiting_rank) {
  return best_in_flight > 0 && has_waiting && ready_rank < top_waiting_rank;
}

/// Whether one more task of an executor whose attempts take `mean_seconds`
/// (negative: not measured yet) fits a message already holding
/// `batch_size` tasks.
inline bool batch_has_room(std::size_t batch_size, double mean_seconds) {
  return mean_seconds >= 0 && batch_size < max_batch
         && static_cast<double>(batch_size + 1) * mean_seconds <= batch_budget_seconds;
}

/// The smoothed length of an executor's attempts after one more took
/// `took` seconds.
inline double smoothed_seconds(double mean_seconds, double took) {
  return mean_seconds < 0 ? took : 0.8 * mean_seconds + 0.2 * took;
}

} // namespace troupe::detail
