// The task state machine of a run's supervisor: what becomes ready, final,
// retried, and what each attempt carries.
#include <algorithm>

#include "internal/supervisor_state.hpp"
#include "troupe/base/internal/caf_error.hpp"

namespace troupe::detail {

namespace {

/// `task`, which waited for a dependency, no longer does.
void stop_waiting(supervisor_state& st, std::size_t task) {
  st.waiting_ranks.erase(st.waiting_ranks.find(st.ranks[task]));
}

/// Whether an attempt of `task` is unanswered.
bool in_flight(const supervisor_state& st, std::size_t task) {
  for (const auto& p : st.pending)
    for (const auto& x : p)
      if (x.task == task)
        return true;
  return false;
}

} // namespace

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

void cancel_run(supervisor_state& st) {
  st.run->result.cancelled = true;
  const auto& graph = *st.run->graph;
  for (std::size_t t = 0; t < graph.size(); ++t)
    if (outcome(st, t).status == task_status::pending && !graph.tasks()[t].after_failures
        && !in_flight(st, t))
      finalize(st, t, task_status::cancelled, {errc::cancelled, "run cancelled"});
}

void attempt_failed(supervisor_state& st, std::size_t task, troupe::error why) {
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

namespace {

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

} // namespace

void attempt_answered(supervisor_state& st, std::size_t task, task_reply& reply) {
  merge_reply(st, task, reply);
  auto& o = outcome(st, task);
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
    st.scope[task] = std::move(next);
    st.ready.push({st.ranks[task], task});
  } else {
    finalize(st, task, task_status::done, {});
  }
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

} // namespace troupe::detail
