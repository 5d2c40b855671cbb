#include "troupe/scenarios/schedule_sim.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <queue>
#include <set>
#include <stdexcept>

#include "troupe/runtime/dispatch_rules.hpp"

namespace troupe::scenarios {

namespace {

using troupe::detail::ready_entry;

/// Tasks sent to a slot in one message; the lane answers once for all.
struct batch {
  std::vector<std::size_t> tasks;
  /// Slot weight the message occupies (queue_size for a single-lane task).
  std::uint32_t weight = 0;
};

/// A batch's answer arriving at the supervisor.
struct completion {
  double at;
  std::uint32_t slot;
  bool operator>(const completion& other) const {
    return at != other.at ? at > other.at : slot > other.slot;
  }
};

class simulator {
public:
  simulator(const schedule_input& in, const schedule_options& opt) : in_(in), opt_(opt) {
    auto n = in.graph.size();
    ranks_ = in.graph.upward_ranks();
    missing_.resize(n);
    out_.started.assign(n, 0);
    out_.finished.assign(n, 0);
    out_.slot.assign(n, 0);
    in_flight_.assign(opt.workers, 0);
    queued_.resize(opt.workers);
    running_.assign(opt.workers, false);
    mean_.assign(in.group_per_slot.size(), -1);
    lane_free_.assign(in.group_per_slot.size(), 0);
    for (std::size_t t = 0; t < n; ++t) {
      missing_[t] = in.graph.tasks()[t].depends_on.size();
      out_.busy_seconds += in.seconds[t];
      if (missing_[t] > 0)
        waiting_.insert(ranks_[t]);
      else
        ready_.push({ranks_[t], t});
    }
  }

  schedule_outcome run() {
    dispatch();
    while (!events_.empty()) {
      auto e = events_.top();
      events_.pop();
      now_ = e.at;
      answer(e.slot);
      dispatch();
    }
    if (done_ < in_.graph.size())
      throw std::invalid_argument("schedule simulation stalled with tasks left");
    return std::move(out_);
  }

private:
  /// The batch at the head of `slot`'s queue ran to `now_`: its tasks are
  /// final, dependants become ready, the slot takes its next batch.
  void answer(std::uint32_t slot) {
    auto b = std::move(queued_[slot].front());
    queued_[slot].pop_front();
    running_[slot] = false;
    in_flight_[slot] -= b.weight;
    for (auto task : b.tasks) {
      auto g = in_.group_of[task];
      mean_[g] = troupe::detail::smoothed_seconds(mean_[g], in_.seconds[task]);
      ++done_;
      for (auto d : in_.graph.dependants(task))
        if (--missing_[d] == 0) {
          waiting_.erase(waiting_.find(ranks_[d]));
          ready_.push({ranks_[d], d});
        }
    }
    start_next(slot);
  }

  /// Starts the batch at the head of `slot`'s queue if the slot is free;
  /// a single-lane group's batch also waits for its lane.
  void start_next(std::uint32_t slot) {
    if (running_[slot] || queued_[slot].empty())
      return;
    const auto& b = queued_[slot].front();
    auto g = in_.group_of[b.tasks.front()];
    double t = now_;
    if (!in_.group_per_slot[g])
      t = std::max(t, lane_free_[g]);
    for (auto task : b.tasks) {
      out_.started[task] = t;
      t += in_.seconds[task];
      out_.finished[task] = t;
      out_.slot[task] = slot;
    }
    if (!in_.group_per_slot[g])
      lane_free_[g] = t;
    out_.makespan = std::max(out_.makespan, t);
    running_[slot] = true;
    events_.push({t, slot});
  }

  /// The supervisor's dispatch loop (runtime/src/supervisor.cpp) on
  /// virtual slots.
  void dispatch() {
    while (!ready_.empty()) {
      auto task = ready_.top().task;
      auto g = in_.group_of[task];
      bool per_slot = in_.group_per_slot[g];
      auto best = troupe::detail::pick_slot(
        in_flight_, [](std::size_t) { return true; }, [](std::size_t) { return true; },
        !per_slot, opt_.queue_size, opt_.max_concurrent);
      if (best == troupe::detail::no_slot)
        return;
      if (troupe::detail::hold_back(in_flight_[best], !waiting_.empty(), ready_.top().rank,
                                    waiting_.empty() ? 0 : *waiting_.rbegin()))
        return;
      ready_.pop();
      batch b;
      b.tasks.push_back(task);
      b.weight = per_slot ? 1 : opt_.queue_size;
      while (per_slot && troupe::detail::batch_has_room(b.tasks.size(), mean_[g])
             && !ready_.empty() && in_.group_of[ready_.top().task] == g) {
        b.tasks.push_back(ready_.top().task);
        ready_.pop();
      }
      auto slot = static_cast<std::uint32_t>(best);
      in_flight_[slot] += b.weight;
      queued_[slot].push_back(std::move(b));
      start_next(slot);
    }
  }

  const schedule_input& in_;
  schedule_options opt_;
  schedule_outcome out_;
  std::vector<double> ranks_;
  std::vector<std::size_t> missing_;
  std::priority_queue<ready_entry> ready_;
  std::multiset<double> waiting_;
  std::vector<std::uint32_t> in_flight_;
  std::vector<std::deque<batch>> queued_;
  std::vector<bool> running_;
  std::vector<double> mean_;
  std::vector<double> lane_free_;
  std::priority_queue<completion, std::vector<completion>, std::greater<completion>> events_;
  double now_ = 0;
  std::size_t done_ = 0;
};

} // namespace

schedule_outcome simulate_schedule(const schedule_input& in, const schedule_options& options) {
  auto n = in.graph.size();
  if (in.group_of.size() != n || in.seconds.size() != n)
    throw std::invalid_argument("schedule input: one group and one duration per task needed");
  for (auto g : in.group_of)
    if (g >= in.group_per_slot.size())
      throw std::invalid_argument("schedule input: a task's group is out of range");
  if (options.workers == 0 || options.queue_size == 0)
    throw std::invalid_argument("schedule options: workers and queue_size must be positive");
  return simulator{in, options}.run();
}

schedule_input schedule_input_of(const agent_registry& agents, const task_graph& graph,
                                 const graph_result& result) {
  schedule_input in;
  in.graph = graph;
  std::map<const void*, std::size_t> groups;
  for (std::size_t t = 0; t < graph.size(); ++t) {
    const auto* def = agents.find(graph.tasks()[t].agent());
    if (!def)
      throw std::invalid_argument("schedule input: task '" + graph.tasks()[t].name
                                  + "' names an agent not in the registry");
    auto [it, fresh] = groups.emplace(def->executor.get(), groups.size());
    if (fresh)
      in.group_per_slot.push_back(def->descriptor.scope == agent_scope::per_item);
    in.group_of.push_back(it->second);
    double took = 0;
    if (t < result.tasks.size())
      took = std::max(0.0, result.tasks[t].finished_s - result.tasks[t].started_s);
    in.seconds.push_back(took);
  }
  return in;
}

} // namespace troupe::scenarios
