#include <algorithm>
#include <chrono>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "internal/pool_actors.hpp"
#include "troupe/base/internal/caf_error.hpp"

namespace troupe::detail {

namespace {

/// A ready task, ordered by upward rank (critical path first), then by index.
struct ready_entry {
  double rank;
  std::size_t task;
  bool operator<(const ready_entry& other) const {
    return rank != other.rank ? rank < other.rank : task > other.task;
  }
};

/// An attempt sent to a lane and not answered yet.
struct pending_attempt {
  std::size_t task;
  std::uint32_t attempt;
  /// Dispatch slots it occupies (a single-lane agent's task takes a whole
  /// slot: nothing else queues behind it there).
  std::uint32_t weight;
  caf::actor_addr lane;
  /// When the watchdog writes the attempt off and replaces its lane.
  std::chrono::steady_clock::time_point deadline;
};

/// The lanes of one executor the graph uses: one per slot, or one.
struct lane_group {
  const agent_executor* executor = nullptr;
  bool per_slot = false;
  std::vector<agent_actor> lanes;
  /// Smoothed seconds of one attempt, measured; negative until the first
  /// reply. Tasks far shorter than a message round trip go in batches.
  double mean_seconds = -1;
};

/// Tasks of one executor sent in one message while their measured
/// attempts together stay under this (a round trip between the supervisor
/// and a lane costs two thread wake-ups, some microseconds each, measured).
constexpr double batch_budget_seconds = 200e-6;
constexpr std::size_t max_batch = 64;

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
  /// Ranks of the pending tasks still waiting for a dependency (those with
  /// missing_deps > 0): a ready task is queued behind a busy slot's current
  /// one only if none of them outranks it (see dispatch).
  std::multiset<double> waiting_ranks;
  std::vector<lane_group> groups;
  /// Per task: index into `groups` (npos: the task names an unknown agent).
  std::vector<std::size_t> group_of;
  std::vector<attempt_scope> scope;
  std::vector<shared_bytes> payloads;
  /// Per slot: occupied weight and unanswered attempts; an answer not found
  /// here is a late duplicate of an attempt written off, and is dropped.
  std::vector<std::uint32_t> in_flight;
  std::vector<std::vector<pending_attempt>> pending;
  std::size_t final_count = 0;
  std::size_t total_in_flight = 0;
  bool finished = false;
  static inline const char* name = "troupe.supervisor";
};

using self_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

constexpr auto npos = static_cast<std::size_t>(-1);

task_outcome& outcome(supervisor_state& st, std::size_t task) {
  return st.run->result.tasks[task];
}

const task_spec& spec(const supervisor_state& st, std::size_t task) {
  return st.run->graph->tasks()[task];
}

void finalize(supervisor_state& st, std::size_t task, task_status status, troupe::error why);

/// `task`, which waited for a dependency, no longer does.
void stop_waiting(supervisor_state& st, std::size_t task) {
  st.waiting_ranks.erase(st.waiting_ranks.find(st.ranks[task]));
}

void finalize(supervisor_state& st, std::size_t task, task_status status, troupe::error why) {
  auto& out = outcome(st, task);
  out.status = status;
  out.error = std::move(why);
  if (st.missing_deps[task] > 0) // a task is final once: still counted as waiting
    stop_waiting(st, task);
  ++st.final_count;
  if (st.run->options.on_task_finished)
    st.run->options.on_task_finished(task, out);
  const auto& graph = *st.run->graph;
  for (auto d : graph.dependants(task)) {
    if (outcome(st, d).status != task_status::pending)
      continue;
    if (status != task_status::done && !graph.tasks()[d].after_failures) {
      if (status == task_status::cancelled)
        finalize(st, d, task_status::cancelled, {errc::cancelled, "run cancelled"});
      else
        finalize(st, d, task_status::skipped,
                 {errc::skipped, "dependency '" + graph.tasks()[task].name + "' did not finish"});
    } else if (--st.missing_deps[d] == 0) {
      stop_waiting(st, d);
      st.ready.push({st.ranks[d], d});
    }
  }
}

/// Whether an attempt of `task` is unanswered.
bool in_flight(const supervisor_state& st, std::size_t task) {
  for (const auto& p : st.pending)
    for (const auto& x : p)
      if (x.task == task)
        return true;
  return false;
}

/// The run was cancelled: every task not running now ends cancelled, but
/// for those that run after failures (a report of what was done), which
/// still run once the attempts in flight have answered.
void cancel_run(supervisor_state& st) {
  st.run->result.cancelled = true;
  const auto& graph = *st.run->graph;
  for (std::size_t t = 0; t < graph.size(); ++t)
    if (outcome(st, t).status == task_status::pending && !graph.tasks()[t].after_failures
        && !in_flight(st, t))
      finalize(st, t, task_status::cancelled, {errc::cancelled, "run cancelled"});
}

void complete_if_finished(self_ptr self) {
  auto& st = self->state;
  auto n = st.run->graph->size();
  if (st.finished || st.total_in_flight > 0 || st.final_count < n)
    return;
  st.finished = true;
  st.run->result.wall_seconds = st.run->now_s();
  for (auto& g : st.groups)
    for (auto& lane : g.lanes)
      self->send_exit(lane, caf::exit_reason::user_shutdown);
  st.run->done.set_value();
  self->quit();
}

void dispatch(self_ptr self);

/// A failed attempt: retried (within max_retries) with the same scope, else
/// final. A task whose attempt covered only what failed before keeps what
/// its earlier attempts did: it ends done, with those failures recorded.
void on_attempt_failed(self_ptr self, std::size_t task, troupe::error why) {
  auto& st = self->state;
  auto& out = outcome(st, task);
  if (why.code() == errc::cancelled || st.run->result.cancelled) {
    finalize(st, task, task_status::cancelled, std::move(why));
    return;
  }
  if (out.attempts <= st.run->options.max_retries) {
    st.ready.push({st.ranks[task], task});
    return;
  }
  if (st.scope[task].narrowed)
    finalize(st, task, task_status::done, {});
  else
    finalize(st, task, task_status::failed, std::move(why));
}

/// The lane group and index of a lane, or npos.
std::pair<std::size_t, std::size_t> find_lane(const supervisor_state& st,
                                              const caf::actor_addr& lane) {
  for (std::size_t g = 0; g < st.groups.size(); ++g)
    for (std::size_t i = 0; i < st.groups[g].lanes.size(); ++i)
      if (st.groups[g].lanes[i].address() == lane)
        return {g, i};
  return {npos, npos};
}

/// Replaces a lane that died or stopped answering; its thread may be stuck
/// in a task body, so it is told to exit and a fresh lane takes its place.
void replace_lane(self_ptr self, const caf::actor_addr& lane) {
  auto& st = self->state;
  auto [g, i] = find_lane(st, lane);
  if (g == npos)
    return;
  auto& slot = st.groups[g].lanes[i];
  self->send_exit(slot, caf::exit_reason::kill);
  slot = spawn_lane(self->system(), *st.groups[g].executor, st.run->env);
  self->monitor(slot);
}

/// How long a lane may keep an attempt before the watchdog replaces it: a
/// slot runs at most queue_size attempts back to back, each checked against
/// task_timeout by the lane itself, so this only catches a hang.
std::chrono::steady_clock::duration hang_limit(const run_state& run) {
  return run.options.task_timeout * (run.queue_size + 1) + std::chrono::seconds(1);
}

/// Writes off the matching unanswered attempts of every slot; returns them.
template <class Predicate>
std::vector<pending_attempt> take_pending_if(supervisor_state& st, Predicate pred) {
  std::vector<pending_attempt> taken;
  for (std::uint32_t w = 0; w < st.pending.size(); ++w) {
    auto& p = st.pending[w];
    for (auto i = p.begin(); i != p.end();) {
      if (pred(*i)) {
        st.in_flight[w] -= i->weight;
        --st.total_in_flight;
        taken.push_back(std::move(*i));
        i = p.erase(i);
      } else {
        ++i;
      }
    }
  }
  return taken;
}

/// Removes the attempt from its slot's pending list; false if it was
/// written off already.
bool take_pending(supervisor_state& st, std::uint32_t slot, std::size_t task,
                  std::uint32_t attempt) {
  if (slot >= st.pending.size())
    return false;
  auto& p = st.pending[slot];
  auto i = std::find_if(p.begin(), p.end(), [&](const pending_attempt& x) {
    return x.task == task && x.attempt == attempt;
  });
  if (i == p.end())
    return false;
  st.in_flight[slot] -= i->weight;
  --st.total_in_flight;
  p.erase(i);
  return true;
}

task_request make_request(supervisor_state& st, std::size_t task, std::uint32_t attempt,
                          std::uint32_t slot) {
  const auto& run = *st.run;
  const auto& s = spec(st, task);
  const auto& sc = st.scope[task];
  task_request req;
  req.run = run.id;
  req.task = task;
  req.attempt = attempt;
  req.slot = slot;
  req.agents = sc.narrowed ? sc.agents : s.agents;
  const auto& items = sc.narrowed ? sc.items : s.items;
  req.items.reserve(items.size());
  for (auto i : items)
    if (i < run.items.size()) // a retry of a task's own output names no item
      req.items.push_back(run.items[i]);
  for (auto d : s.depends_on)
    for (const auto& o : run.result.tasks[d].outputs)
      req.upstream.push_back({o.agent, o.item, {o.bytes}});
  req.settings = run.options.settings;
  req.payload = st.payloads[task];
  return req;
}

/// Sends one message with attempts of `tasks` (one executor's) to the lane
/// of `slot`; the message occupies `weight` of the slot.
void send_batch(self_ptr self, std::uint32_t slot, const std::vector<std::size_t>& tasks,
                std::uint32_t weight) {
  auto& st = self->state;
  auto& group = st.groups[st.group_of[tasks.front()]];
  const auto& lane = group.lanes[group.per_slot ? slot : 0];
  auto deadline = std::chrono::steady_clock::now() + hang_limit(*st.run);
  task_batch batch;
  batch.reserve(tasks.size());
  for (auto task : tasks) {
    auto attempt = ++outcome(st, task).attempts;
    if (st.run->options.locals)
      st.run->options.locals->before_dispatch(task, st.run->result);
    st.pending[slot].push_back({task, attempt, weight, lane.address(), deadline});
    ++st.total_in_flight;
    batch.push_back(make_request(st, task, attempt, slot));
    weight = 0; // the message's weight rides on its first attempt
  }
  st.in_flight[slot] += st.pending[slot][st.pending[slot].size() - tasks.size()].weight;
  self->send(lane, run_atom::value, std::move(batch));
}

/// Folds a reply's agent reports and outputs into the task's outcome; a
/// narrowed attempt replaces only the failures of what it covered.
void merge_reply(supervisor_state& st, std::size_t task, task_reply& reply) {
  auto& o = outcome(st, task);
  const auto& sc = st.scope[task];
  if (!sc.narrowed) {
    o.agents.clear();
    o.outputs.clear();
  }
  for (auto& r : reply.agents) {
    auto a = std::find_if(o.agents.begin(), o.agents.end(),
                          [&](const agent_work& w) { return w.agent == r.agent; });
    if (a == o.agents.end()) {
      a = o.agents.insert(o.agents.end(), agent_work{});
      a->agent = r.agent;
      a->items = r.items;
    }
    if (sc.narrowed) {
      a->failures.erase(std::remove_if(a->failures.begin(), a->failures.end(),
                                       [&](const item_failure& f) {
                                         return std::find(sc.items.begin(), sc.items.end(),
                                                          f.item)
                                                != sc.items.end();
                                       }),
                        a->failures.end());
    }
    a->seconds += r.seconds;
    a->cache_hits += r.cache_hits;
    for (auto& f : r.failures)
      a->failures.push_back({f.item, from_caf(f.error)});
  }
  for (auto& out : reply.outputs)
    o.outputs.push_back({std::move(out.agent), out.item, std::move(out.bytes.data)});
}

void on_reply(self_ptr self, task_reply& reply) {
  auto& st = self->state;
  auto task = static_cast<std::size_t>(reply.task);
  if (task >= st.run->graph->size() || !take_pending(st, reply.slot, task, reply.attempt))
    return;
  auto& group = st.groups[st.group_of[task]];
  auto took = static_cast<double>(reply.finished_ns - reply.started_ns) / 1e9;
  group.mean_seconds = group.mean_seconds < 0 ? took : 0.8 * group.mean_seconds + 0.2 * took;
  auto& o = outcome(st, task);
  o.worker = reply.slot;
  o.started_s = st.run->seconds_of(reply.started_ns);
  o.finished_s = st.run->seconds_of(reply.finished_ns);
  if (st.run->options.locals)
    st.run->options.locals->on_reply(reply);
  if (reply.error) {
    on_attempt_failed(self, task, from_caf(reply.error));
  } else {
    merge_reply(st, task, reply);
    attempt_scope next;
    for (const auto& a : o.agents) {
      if (a.failures.empty())
        continue;
      next.agents.push_back(a.agent);
      for (const auto& f : a.failures)
        if (std::find(next.items.begin(), next.items.end(), f.item) == next.items.end())
          next.items.push_back(f.item);
    }
    if (!next.agents.empty() && o.attempts <= st.run->options.max_retries
        && !st.run->result.cancelled) {
      next.narrowed = true;
      // Retried in the agents' own order of the task.
      st.scope[task] = std::move(next);
      st.ready.push({st.ranks[task], task});
    } else {
      finalize(st, task, task_status::done, {});
    }
  }
}

/// Replaces every lane holding an attempt past its deadline and fails (or
/// retries) the attempts written off with it.
void check_deadlines(self_ptr self) {
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  std::vector<caf::actor_addr> stuck;
  for (const auto& p : st.pending)
    for (const auto& x : p)
      if (x.deadline < now && std::find(stuck.begin(), stuck.end(), x.lane) == stuck.end())
        stuck.push_back(x.lane);
  for (const auto& lane : stuck) {
    auto lost = take_pending_if(st, [&](const pending_attempt& x) { return x.lane == lane; });
    replace_lane(self, lane);
    for (auto& x : lost)
      on_attempt_failed(self, x.task,
                        {errc::task_timeout, "attempt " + std::to_string(x.attempt) + " of '"
                                               + spec(st, x.task).name
                                               + "': no answer in time"});
  }
}

/// A lane died (an executor threw past its own handling, or it was killed):
/// its attempts fail now instead of waiting for the watchdog, and a fresh
/// lane takes its place.
void on_lane_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  if (st.finished || find_lane(st, msg.source).first == npos)
    return; // a lane already replaced
  auto lost = take_pending_if(st, [&](const pending_attempt& x) { return x.lane == msg.source; });
  replace_lane(self, msg.source);
  for (auto& x : lost)
    on_attempt_failed(self, x.task,
                      {errc::runtime_failure, "the lane of agent '" + spec(st, x.task).agent()
                                                + "' died: " + self->system().render(msg.reason)});
  dispatch(self);
  complete_if_finished(self);
}

void dispatch(self_ptr self) {
  auto& st = self->state;
  auto queue_size = st.run->queue_size;
  bool cancelled = st.run->result.cancelled;
  while (!st.ready.empty()) {
    auto best = std::min_element(st.in_flight.begin(), st.in_flight.end());
    if (*best >= queue_size)
      return;
    auto task = st.ready.top().task;
    if (outcome(st, task).status != task_status::pending) {
      st.ready.pop();
      continue;
    }
    if (cancelled && !spec(st, task).after_failures) {
      st.ready.pop();
      finalize(st, task, task_status::cancelled, {errc::cancelled, "run cancelled"});
      continue;
    }
    bool per_slot = st.groups[st.group_of[task]].per_slot;
    // A single-lane agent's task runs only on an idle slot, which it takes
    // whole, so at most `workers` attempts ever run at once.
    if (!per_slot && *best > 0)
      return;
    // Every slot busy: a task sent now waits in a lane's mailbox (which
    // hides the round trip of short tasks). Not if a task still waiting for
    // a dependency outranks it: that task, once ready, would be stuck behind
    // it (a run's corpus stage lost the length of `hotspots`, queued on the
    // worker that then finished `import_graph`, before `call_graph`).
    if (*best > 0 && !st.waiting_ranks.empty()
        && st.ready.top().rank < *st.waiting_ranks.rbegin())
      return;
    st.ready.pop();
    std::vector<std::size_t> batch{task};
    auto group = st.group_of[task];
    double mean = st.groups[group].mean_seconds;
    // Short tasks of the same agents ride along, highest rank first.
    while (per_slot && mean >= 0 && batch.size() < max_batch
           && static_cast<double>(batch.size() + 1) * mean <= batch_budget_seconds
           && !st.ready.empty() && st.group_of[st.ready.top().task] == group) {
      auto next = st.ready.top().task;
      st.ready.pop();
      if (outcome(st, next).status != task_status::pending)
        continue;
      if (cancelled && !spec(st, next).after_failures)
        finalize(st, next, task_status::cancelled, {errc::cancelled, "run cancelled"});
      else
        batch.push_back(next);
    }
    send_batch(self, static_cast<std::uint32_t>(best - st.in_flight.begin()), batch,
               per_slot ? 1 : queue_size);
  }
}

/// Finds every task's executor and spawns the lanes of those the graph uses;
/// a task naming an unknown agent, or agents of different executors, fails.
void spawn_lanes(self_ptr self) {
  auto& st = self->state;
  const auto& tasks = st.run->graph->tasks();
  std::unordered_map<const agent_executor*, std::size_t> index;
  st.group_of.assign(tasks.size(), npos);
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const agent_executor* executor = nullptr;
    std::string problem;
    for (const auto& id : tasks[t].agents) {
      const auto* def = st.run->registry->find(id);
      if (!def) {
        problem = "agent '" + id + "' is not registered";
        break;
      }
      if (executor && def->executor.get() != executor) {
        problem = "agents '" + tasks[t].agent() + "' and '" + id
                  + "' do not share an executor, so they cannot share a task";
        break;
      }
      executor = def->executor.get();
    }
    if (!problem.empty() || !executor) {
      st.run->result.tasks[t].error = {errc::invalid_graph, "task '" + tasks[t].name + "': "
                                                              + problem};
      continue;
    }
    auto [it, added] = index.emplace(executor, st.groups.size());
    if (added) {
      lane_group g;
      g.executor = executor;
      g.per_slot = executor->per_slot();
      auto n = g.per_slot ? st.run->workers : 1u;
      for (std::uint32_t i = 0; i < n; ++i) {
        g.lanes.push_back(spawn_lane(self->system(), *executor, st.run->env));
        self->monitor(g.lanes.back());
      }
      st.groups.push_back(std::move(g));
    }
    st.group_of[t] = it->second;
  }
}

supervisor_actor::behavior_type supervisor(self_ptr self, run_state_ptr run) {
  auto& st = self->state;
  st.run = run;
  const auto& graph = *run->graph;
  auto n = graph.size();
  run->result.tasks.assign(n, task_outcome{});
  run->result.workers = run->workers;
  st.ranks = graph.upward_ranks();
  st.missing_deps.resize(n);
  st.scope.resize(n);
  st.payloads.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!graph.tasks()[i].payload.empty())
      st.payloads[i].data = std::make_shared<const std::string>(graph.tasks()[i].payload);
  st.in_flight.assign(run->workers, 0);
  st.pending.resize(run->workers);
  spawn_lanes(self);
  for (std::size_t i = 0; i < n; ++i) {
    st.missing_deps[i] = graph.tasks()[i].depends_on.size();
    if (st.missing_deps[i] > 0)
      st.waiting_ranks.insert(st.ranks[i]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (st.group_of[i] == npos && outcome(st, i).status == task_status::pending) {
      auto why = outcome(st, i).error;
      finalize(st, i, task_status::failed, std::move(why));
    } else if (st.missing_deps[i] == 0 && outcome(st, i).status == task_status::pending) {
      st.ready.push({st.ranks[i], i});
    }
  }
  self->set_down_handler([self](caf::down_msg& msg) { on_lane_down(self, msg); });
  dispatch(self);
  complete_if_finished(self);
  // One clock event per period instead of two per request.
  auto period = std::min<std::chrono::steady_clock::duration>(hang_limit(*run) / 4,
                                                              std::chrono::seconds(1));
  if (!st.finished)
    self->delayed_send(self, period, watchdog_atom::value);
  return {
    [self](done_atom, reply_batch& replies) {
      for (auto& reply : replies)
        on_reply(self, reply);
      dispatch(self);
      complete_if_finished(self);
    },
    [self](cancel_atom) {
      self->state.run->env->cancelled = true;
      cancel_run(self->state);
      dispatch(self);
      complete_if_finished(self);
    },
    [self, period](watchdog_atom) {
      check_deadlines(self);
      dispatch(self);
      complete_if_finished(self);
      if (!self->state.finished)
        self->delayed_send(self, period, watchdog_atom::value);
    },
  };
}

} // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, run_state_ptr state) {
  return sys.spawn(supervisor, std::move(state));
}

} // namespace troupe::detail
