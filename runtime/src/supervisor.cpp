// The supervisor actor of one run: dispatches ready tasks by upward rank to
// the worker slots (local lanes, and those other nodes lend), in batches
// while attempts are short; monitors every lane and node; retries what
// failed; writes off attempts past their deadline; reschedules what a lost
// node held.
#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include <spdlog/logger.h>

#include "internal/pool_actors.hpp"
#include "internal/supervisor_state.hpp"
#include "troupe/base/internal/caf_error.hpp"
#include "troupe/runtime/dispatch_rules.hpp"

namespace troupe::detail {

namespace {

using self_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

/// Attempts one slot may hold: queue_size, twice that for tasks whose
/// records its node's cache holds (best_slot).
std::uint32_t slot_depth(const run_state& run) {
  return run.options.item_home.empty() ? run.queue_size : 2 * run.queue_size;
}

/// How long a lane may keep an attempt before the watchdog writes it off: a
/// slot runs at most slot_depth attempts back to back, each checked against
/// task_timeout by the lane itself, so this only catches a hang.
std::chrono::steady_clock::duration hang_limit(const run_state& run) {
  return run.options.task_timeout * (slot_depth(run) + 1) + std::chrono::seconds(1);
}

bool is_local(const supervisor_state& st, std::uint32_t slot) {
  return st.slots[slot].remote == no_index;
}

/// Whether `slot` can run tasks of executor group `group`.
bool can_run(const supervisor_state& st, std::size_t group, std::uint32_t slot) {
  const auto& sl = st.slots[slot];
  if (!sl.alive)
    return false;
  if (sl.remote == no_index)
    return true;
  if (!st.run->groups[group].per_slot)
    return false;
  const auto& lanes = st.run->remotes[sl.remote].lanes;
  return group < lanes.size() && !lanes[group].empty();
}

const agent_actor& lane_for(const supervisor_state& st, std::size_t group, std::uint32_t slot) {
  const auto& sl = st.slots[slot];
  if (sl.remote == no_index)
    return st.groups[group].lanes[st.run->groups[group].per_slot ? slot : 0];
  const auto& r = st.run->remotes[sl.remote];
  return r.lanes[group][slot - r.first_slot];
}

/// Removes the matching unanswered attempts of every slot and returns them.
template <class Predicate>
std::vector<pending_attempt> take_pending_if(supervisor_state& st, Predicate pred) {
  std::vector<pending_attempt> taken;
  for (std::uint32_t w = 0; w < st.pending.size(); ++w) {
    auto& p = st.pending[w];
    for (auto i = p.begin(); i != p.end();) {
      if (pred(w, *i)) {
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

/// Sends one message with attempts of `tasks` (one executor group's) to the
/// lane of `slot`; the message occupies `weight` of the slot.
void send_batch(self_ptr self, std::uint32_t slot, const std::vector<std::size_t>& tasks,
                std::uint32_t weight) {
  auto& st = self->state;
  auto& run = *st.run;
  const auto& lane = lane_for(st, run.group_of[tasks.front()], slot);
  auto remote = st.slots[slot].remote;
  auto deadline = std::chrono::steady_clock::now() + hang_limit(run);
  task_batch batch;
  batch.reserve(tasks.size());
  for (auto task : tasks) {
    auto attempt = ++outcome(st, task).attempts;
    if (run.options.locals)
      run.options.locals->before_dispatch(task, run.result);
    st.pending[slot].push_back({task, attempt, weight, lane.address(), deadline});
    ++st.total_in_flight;
    weight = 0; // the message's weight rides on its first attempt
    auto req = make_request(st, task, attempt, slot);
    if (remote != no_index) {
      // Another node reads none of this process's files: they travel.
      auto& node = run.result.nodes[remote + 1];
      for (auto& item : req.items) {
        if (run.options.locals)
          run.options.locals->fill_content(item);
        node.bytes_sent += item.content.view().size();
      }
      for (const auto& u : req.upstream)
        node.bytes_sent += u.bytes.view().size();
      node.bytes_sent += req.payload.view().size();
    }
    if (st.orphans.erase(task) > 0) {
      for (std::size_t r = 0; r < st.lost.size(); ++r)
        if (st.resend_pending[r]) {
          st.resend_pending[r] = false;
          run.result.nodes[r + 1].redispatched_at_s = run.now_s();
        }
    }
    batch.push_back(std::move(req));
  }
  st.in_flight[slot] += st.pending[slot][st.pending[slot].size() - tasks.size()].weight;
  self->send(lane, run_atom::value, std::move(batch));
}

void on_reply(self_ptr self, task_reply& reply) {
  auto& st = self->state;
  auto& run = *st.run;
  auto task = static_cast<std::size_t>(reply.task);
  if (task >= run.graph->size() || !take_pending(st, reply.slot, task, reply.attempt))
    return;
  auto& group = st.groups[run.group_of[task]];
  auto took = static_cast<double>(reply.finished_ns - reply.started_ns) / 1e9;
  group.mean_seconds = smoothed_seconds(group.mean_seconds, took);
  auto& o = outcome(st, task);
  o.worker = reply.slot;
  auto remote = st.slots[reply.slot].remote;
  o.node = remote == no_index ? 0 : static_cast<std::uint32_t>(remote + 1);
  auto& node = run.result.nodes[o.node];
  ++node.tasks;
  node.busy_seconds += took;
  for (const auto& a : reply.agents)
    node.cache_hits += a.cache_hits;
  if (remote == no_index) {
    o.started_s = run.seconds_of(reply.started_ns);
    o.finished_s = run.seconds_of(reply.finished_ns);
  } else {
    // Another node's clock: the attempt ended when its answer arrived.
    o.finished_s = run.now_s();
    o.started_s = o.finished_s - took;
    for (const auto& out : reply.outputs)
      node.bytes_received += out.bytes.view().size();
  }
  if (run.options.locals)
    run.options.locals->on_reply(reply);
  if (reply.error)
    attempt_failed(st, task, from_caf(reply.error));
  else
    attempt_answered(st, task, reply);
}

/// Replaces a local lane that died or stopped answering; its thread may be
/// stuck in a task body, so it is told to exit and a fresh lane takes its
/// place. Returns false when `lane` is no local lane of this run.
bool replace_local_lane(self_ptr self, const caf::actor_addr& lane) {
  auto& st = self->state;
  for (std::size_t g = 0; g < st.groups.size(); ++g) {
    for (auto& l : st.groups[g].lanes) {
      if (l.address() != lane)
        continue;
      self->send_exit(l, caf::exit_reason::kill);
      auto index = static_cast<std::uint32_t>(&l - st.groups[g].lanes.data());
      l = spawn_lane(self->system(), *st.run->groups[g].executor, st.run->env, index);
      self->monitor(l);
      return true;
    }
  }
  return false;
}

/// The remote node that owns `addr` (its node actor or one of its lanes).
std::size_t remote_of(const supervisor_state& st, const caf::actor_addr& addr) {
  for (std::size_t r = 0; r < st.run->remotes.size(); ++r) {
    const auto& rem = st.run->remotes[r];
    if (rem.lanes.empty())
      continue;
    if (rem.node->handle().address() == addr)
      return r;
    for (const auto& group : rem.lanes)
      for (const auto& lane : group)
        if (lane.address() == addr)
          return r;
  }
  return no_index;
}

/// A node is gone: its slots take no more work, and what it held goes to
/// the other slots (a late answer from it is dropped: nothing is pending).
void lose_node(self_ptr self, std::size_t r, const troupe::error& why) {
  auto& st = self->state;
  if (st.lost[r])
    return;
  st.lost[r] = true;
  auto& node = st.run->result.nodes[r + 1];
  node.lost = true;
  node.lost_at_s = st.run->now_s();
  node.error = why;
  for (std::uint32_t s = 0; s < st.slots.size(); ++s)
    if (st.slots[s].remote == r)
      st.slots[s].alive = false;
  auto held = take_pending_if(st, [&](std::uint32_t slot, const pending_attempt&) {
    return st.slots[slot].remote == r;
  });
  st.resend_pending[r] = !held.empty();
  if (st.run->log)
    st.run->log->warn("node {} lost: {}; its {} unanswered attempts go to the other slots",
                      node.name, why.message(), held.size());
  for (auto& x : held) {
    st.orphans.insert(x.task);
    // Not the task's fault: the attempt does not count.
    --outcome(st, x.task).attempts;
    attempt_failed(st, x.task, why);
  }
}

/// Writes off every attempt past its deadline: a local lane is replaced, a
/// node that stopped answering is lost.
void check_deadlines(self_ptr self) {
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  std::vector<caf::actor_addr> stuck;
  for (const auto& p : st.pending)
    for (const auto& x : p)
      if (x.deadline < now && std::find(stuck.begin(), stuck.end(), x.lane) == stuck.end())
        stuck.push_back(x.lane);
  for (const auto& lane : stuck) {
    if (auto r = remote_of(st, lane); r != no_index) {
      lose_node(self, r, {errc::peer_unreachable, "node " + st.run->remotes[r].node->name()
                                                    + " did not answer in time"});
      continue;
    }
    auto lost = take_pending_if(
      st, [&](std::uint32_t, const pending_attempt& x) { return x.lane == lane; });
    replace_local_lane(self, lane);
    for (auto& x : lost)
      attempt_failed(st, x.task,
                     {errc::task_timeout, "attempt " + std::to_string(x.attempt) + " of '"
                                            + spec(st, x.task).name + "': no answer in time"});
  }
}

/// A lane or node died: a local lane's attempts fail now instead of waiting
/// for the watchdog, and a fresh lane takes its place; a remote one means
/// its node is lost.
void on_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  if (st.finished)
    return;
  auto reason = self->system().render(msg.reason);
  if (auto r = remote_of(st, msg.source); r != no_index) {
    lose_node(self, r, {errc::peer_unreachable,
                        "node " + st.run->remotes[r].node->name() + " lost: " + reason});
  } else {
    auto lost = take_pending_if(
      st, [&](std::uint32_t, const pending_attempt& x) { return x.lane == msg.source; });
    if (!replace_local_lane(self, msg.source))
      return; // a lane already replaced
    for (auto& x : lost)
      attempt_failed(st, x.task, {errc::runtime_failure, "the lane of agent '"
                                                           + spec(st, x.task).agent()
                                                           + "' died: " + reason});
  }
}

/// Where the cache holding most of `task`'s items is
/// (graph_run_options::item_home): an index into run_state::remotes,
/// `remotes.size()` for this process, or no_index.
std::size_t home_of(const run_state& run, const task_spec& task,
                    std::vector<std::size_t>& counts) {
  const auto& home = run.options.item_home;
  const auto here = run.remotes.size();
  counts.assign(here + 1, 0);
  std::size_t best = no_index;
  std::size_t best_count = 0;
  for (auto item : task.items) {
    if (item >= home.size() || home[item] == 0)
      continue;
    auto at = home[item] == graph_run_options::home_here ? here : home[item] - 1;
    if (at > here)
      continue;
    if (++counts[at] > best_count) {
      best_count = counts[at];
      best = at;
    }
  }
  return best;
}

/// The best slot for `task` of `group` (dispatch_rules.hpp); no_index
/// when none has room. A per-item task goes to the node whose cache holds
/// most of its items when one of that node's slots has room.
std::size_t best_slot(const supervisor_state& st, std::size_t group, std::size_t task) {
  bool single = !st.run->groups[group].per_slot;
  if (!single && st.run->options.max_concurrent == 0) {
    auto home = st.task_home.empty() ? no_index : st.task_home[task];
    bool here = home == st.run->remotes.size();
    if (home != no_index && (here || !st.lost[home])) {
      // A task whose records are there is mostly a cache hit, much shorter
      // than computing it elsewhere: its home's slots queue twice as deep
      // before another slot takes it.
      auto queue_size = slot_depth(*st.run);
      auto slot_home = here ? no_index : home;
      std::size_t best = no_index;
      for (std::uint32_t s = 0; s < st.slots.size(); ++s)
        if (st.slots[s].remote == slot_home && can_run(st, group, s)
            && st.in_flight[s] < queue_size
            && (best == no_index || st.in_flight[s] < st.in_flight[best]))
          best = s;
      if (best != no_index)
        return best;
    }
  }
  // Per-item work stays off this process's slots while another node's slot
  // can take it, when the run asks so (its workers are node processes).
  bool remote_only = false;
  if (!single && !st.run->options.local_item_work)
    for (std::uint32_t s = 0; s < st.slots.size() && !remote_only; ++s)
      remote_only = !is_local(st, s) && can_run(st, group, s);
  return detail::pick_slot(
    st.in_flight,
    [&](std::size_t s) {
      auto slot = static_cast<std::uint32_t>(s);
      return can_run(st, group, slot) && !(remote_only && is_local(st, slot));
    },
    [&](std::size_t s) { return is_local(st, static_cast<std::uint32_t>(s)); }, single,
    st.run->queue_size, st.run->options.max_concurrent);
}

void dispatch(self_ptr self) {
  auto& st = self->state;
  auto& run = *st.run;
  auto queue_size = run.queue_size;
  bool cancelled = run.result.cancelled;
  while (!st.ready.empty()) {
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
    auto group = run.group_of[task];
    auto best = best_slot(st, group, task);
    if (best == no_index)
      return;
    // Every slot busy: a task sent now waits in a lane's mailbox (which
    // hides the round trip of short tasks). Not if a task still waiting for
    // a dependency outranks it: that task, once ready, would be stuck behind
    // it (a run's corpus stage lost the length of `hotspots`, queued on the
    // worker that then finished `import_graph`, before `call_graph`).
    if (hold_back(st.in_flight[best], !st.waiting_ranks.empty(), st.ready.top().rank,
                  st.waiting_ranks.empty() ? 0 : *st.waiting_ranks.rbegin()))
      return;
    st.ready.pop();
    bool per_slot = run.groups[group].per_slot;
    std::vector<std::size_t> batch{task};
    double mean = st.groups[group].mean_seconds;
    // Short tasks of the same executor ride along, highest rank first.
    while (per_slot && batch_has_room(batch.size(), mean) && !st.ready.empty()
           && run.group_of[st.ready.top().task] == group) {
      auto next = st.ready.top().task;
      st.ready.pop();
      if (outcome(st, next).status != task_status::pending)
        continue;
      if (cancelled && !spec(st, next).after_failures)
        finalize(st, next, task_status::cancelled, {errc::cancelled, "run cancelled"});
      else
        batch.push_back(next);
    }
    send_batch(self, static_cast<std::uint32_t>(best), batch, per_slot ? 1 : queue_size);
  }
}

/// Spawns the local lanes of every executor group the graph uses, lays out
/// the slots (local ones, then each node's) and monitors every lane and
/// node.
void set_up_slots(self_ptr self) {
  auto& st = self->state;
  auto& run = *st.run;
  st.groups.resize(run.groups.size());
  for (std::size_t g = 0; g < run.groups.size(); ++g) {
    auto n = run.groups[g].per_slot ? run.workers : 1u;
    for (std::uint32_t i = 0; i < n; ++i) {
      st.groups[g].lanes.push_back(
        spawn_lane(self->system(), *run.groups[g].executor, run.env, i));
      self->monitor(st.groups[g].lanes.back());
    }
  }
  st.slots.assign(run.workers, slot_info{});
  for (std::size_t r = 0; r < run.remotes.size(); ++r) {
    const auto& rem = run.remotes[r];
    if (rem.lanes.empty())
      continue;
    self->monitor(rem.node->handle());
    for (const auto& group : rem.lanes)
      for (const auto& lane : group)
        self->monitor(lane);
    for (std::uint32_t i = 0; i < rem.node->workers(); ++i)
      st.slots.push_back({r, true});
  }
  st.in_flight.assign(st.slots.size(), 0);
  st.pending.resize(st.slots.size());
  st.lost.assign(run.remotes.size(), false);
  st.resend_pending.assign(run.remotes.size(), false);
  if (!run.options.item_home.empty()) {
    std::vector<std::size_t> counts;
    st.task_home.resize(run.graph->size());
    for (std::size_t t = 0; t < st.task_home.size(); ++t)
      st.task_home[t] = home_of(run, run.graph->tasks()[t], counts);
  }
  if (run.result.nodes.empty())
    run.result.nodes.push_back(node_outcome::local(run.workers));
  run.result.workers = static_cast<std::uint32_t>(st.slots.size());
}

supervisor_actor::behavior_type supervisor(self_ptr self, run_state_ptr run) {
  auto& st = self->state;
  st.run = run;
  const auto& graph = *run->graph;
  auto n = graph.size();
  run->result.tasks.assign(n, task_outcome{});
  st.ranks = graph.upward_ranks();
  st.missing_deps.resize(n);
  st.scope.resize(n);
  st.payloads.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!graph.tasks()[i].payload.empty())
      st.payloads[i].data = std::make_shared<const std::string>(graph.tasks()[i].payload);
  set_up_slots(self);
  for (std::size_t i = 0; i < n; ++i) {
    st.missing_deps[i] = graph.tasks()[i].depends_on.size();
    if (st.missing_deps[i] > 0)
      st.waiting_ranks.insert(st.ranks[i]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (outcome(st, i).status != task_status::pending)
      continue;
    if (run->group_of[i] == no_index)
      finalize(st, i, task_status::failed, run->task_errors[i]);
    else if (st.missing_deps[i] == 0)
      st.ready.push({st.ranks[i], i});
  }
  self->set_down_handler([self](caf::down_msg& msg) {
    on_down(self, msg);
    dispatch(self);
    complete_if_finished(self);
  });
  dispatch(self);
  complete_if_finished(self);
  // One clock event per period instead of two per request; the first is
  // start_supervisor's.
  auto period = std::min<std::chrono::steady_clock::duration>(hang_limit(*run) / 4,
                                                              std::chrono::seconds(1));
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
  // Set up on its first message: other nodes open their lanes for it first.
  return sys.spawn<caf::lazy_init>(supervisor, std::move(state));
}

void start_supervisor(const supervisor_actor& supervisor) {
  caf::anon_send(supervisor, watchdog_atom::value);
}

} // namespace troupe::detail
