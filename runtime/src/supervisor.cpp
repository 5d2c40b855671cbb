#include <algorithm>
#include <chrono>
#include <queue>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "internal/pool_actors.hpp"
#include "troupe/runtime/error.hpp"
#include "troupe/runtime/messages.hpp"

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

/// An attempt sent to a worker and not answered yet.
struct pending_attempt {
  std::size_t task;
  std::uint32_t attempt;
  /// When the watchdog writes the attempt off and replaces its worker.
  std::chrono::steady_clock::time_point deadline;
};

struct supervisor_state {
  run_state_ptr run;
  std::vector<double> ranks;
  std::vector<std::size_t> missing_deps;
  std::priority_queue<ready_entry> ready;
  /// Ranks of the pending tasks still waiting for a dependency (those with
  /// missing_deps > 0): a ready task is queued behind a busy worker's
  /// current one only if none of them outranks it (see dispatch).
  std::multiset<double> waiting_ranks;
  std::vector<caf::actor> workers;
  std::vector<std::uint32_t> in_flight;
  /// Unanswered attempts per worker; an answer not found here is a late
  /// duplicate of an attempt the watchdog wrote off, and is dropped.
  std::vector<std::vector<pending_attempt>> pending;
  std::size_t final_count = 0;
  std::size_t total_in_flight = 0;
  bool finished = false;
  static inline const char* name = "troupe.supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

task_outcome& outcome(supervisor_state& st, std::size_t task) {
  return st.run->result.tasks[task];
}

void finalize(supervisor_state& st, std::size_t task, task_status status, std::string why);

/// `task`, which waited for a dependency, no longer does: it became ready,
/// or final (skipped or cancelled).
void stop_waiting(supervisor_state& st, std::size_t task) {
  st.waiting_ranks.erase(st.waiting_ranks.find(st.ranks[task]));
}

/// Marks every transitive dependant of `task` skipped.
void skip_dependants(supervisor_state& st, std::size_t task) {
  const auto& graph = *st.run->graph;
  for (auto d : graph.dependants(task)) {
    if (outcome(st, d).status == task_status::pending)
      finalize(st, d, task_status::skipped,
               "dependency '" + graph.tasks()[task].name + "' did not finish");
  }
}

void finalize(supervisor_state& st, std::size_t task, task_status status, std::string why) {
  auto& out = outcome(st, task);
  out.status = status;
  out.error = std::move(why);
  if (st.missing_deps[task] > 0) // a task is final once: still counted as waiting
    stop_waiting(st, task);
  ++st.final_count;
  if (st.run->options.on_task_finished)
    st.run->options.on_task_finished(task, out);
  if (status == task_status::done) {
    for (auto d : st.run->graph->dependants(task))
      if (--st.missing_deps[d] == 0 && outcome(st, d).status == task_status::pending) {
        stop_waiting(st, d);
        st.ready.push({st.ranks[d], d});
      }
  } else {
    skip_dependants(st, task);
  }
}

void complete_if_finished(supervisor_actor* self) {
  auto& st = self->state;
  auto n = st.run->graph->size();
  bool cancelled = st.run->cancelled.load();
  if (st.finished || st.total_in_flight > 0)
    return;
  if (st.final_count < n && !cancelled)
    return;
  st.finished = true;
  for (std::size_t i = 0; i < n; ++i)
    if (outcome(st, i).status == task_status::pending)
      finalize(st, i, task_status::cancelled, "run cancelled");
  st.run->result.cancelled = cancelled;
  st.run->result.wall_seconds = st.run->now_s();
  for (auto& w : st.workers)
    self->send_exit(w, caf::exit_reason::user_shutdown);
  st.run->done.set_value();
  self->quit();
}

void dispatch(supervisor_actor* self);

void on_attempt_failed(supervisor_actor* self, std::size_t task, std::string why) {
  auto& st = self->state;
  auto& out = outcome(st, task);
  if (out.attempts <= st.run->options.max_retries && !st.run->cancelled.load())
    st.ready.push({st.ranks[task], task});
  else
    finalize(st, task, task_status::failed, std::move(why));
}

/// Replaces a worker that stopped answering: its thread may be stuck in a
/// task body, so it is told to exit and a fresh worker takes its slot.
void replace_worker(supervisor_actor* self, std::uint32_t w) {
  auto& st = self->state;
  self->send_exit(st.workers[w], caf::exit_reason::kill);
  st.workers[w] = spawn_worker(self->system(), st.run, w);
}

/// How long a worker may keep an attempt before the watchdog replaces it:
/// the worker runs at most queue_size attempts back to back, each checked
/// against task_timeout by the worker itself, so this only catches a hang.
std::chrono::steady_clock::duration hang_limit(const run_state& run) {
  return run.options.task_timeout * (run.queue_size + 1) + std::chrono::seconds(1);
}

/// Removes the attempt from the worker's pending list; false if the
/// watchdog already wrote it off.
bool take_pending(supervisor_state& st, std::uint32_t w, std::size_t task,
                  std::uint32_t attempt) {
  auto& p = st.pending[w];
  auto i = std::find_if(p.begin(), p.end(), [&](const pending_attempt& x) {
    return x.task == task && x.attempt == attempt;
  });
  if (i == p.end())
    return false;
  p.erase(i);
  --st.in_flight[w];
  --st.total_in_flight;
  return true;
}

void send_attempt(supervisor_actor* self, std::uint32_t w, std::size_t task) {
  auto& st = self->state;
  auto& out = outcome(st, task);
  auto attempt = ++out.attempts;
  ++st.in_flight[w];
  ++st.total_in_flight;
  st.pending[w].push_back({task, attempt, std::chrono::steady_clock::now() + hang_limit(*st.run)});
  // The watchdog checks every deadline and replaces stuck workers; the
  // request's own timeout, a little later, is the backstop should the
  // watchdog tick ever be lost. (Each timeout costs two events on CAF's
  // clock thread, about 4 us of an empty task's dispatch, measured.)
  auto worker = st.workers[w];
  auto backstop = hang_limit(*st.run) + std::chrono::seconds(1);
  self->request(worker, backstop, run_atom::value, static_cast<std::uint64_t>(task), attempt)
    .then(
      [=](std::uint64_t t, std::uint32_t wid, std::string& err, double started,
          double finished) {
        auto& s = self->state;
        if (!take_pending(s, w, t, attempt))
          return;
        auto& o = outcome(s, t);
        o.worker = wid;
        o.started_s = started;
        o.finished_s = finished;
        if (err.empty())
          finalize(s, t, task_status::done, {});
        else
          on_attempt_failed(self, t, std::move(err));
        dispatch(self);
        complete_if_finished(self);
      },
      [=](caf::error& err) {
        auto& s = self->state;
        if (!take_pending(s, w, task, attempt))
          return;
        if (s.workers[w] == worker)
          replace_worker(self, w);
        on_attempt_failed(self, task, "worker " + std::to_string(w) + ": "
                                        + self->system().render(err));
        dispatch(self);
        complete_if_finished(self);
      });
}

/// Replaces every worker holding an attempt past its deadline and fails
/// (or retries) the attempts it held.
void check_deadlines(supervisor_actor* self) {
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  for (std::uint32_t w = 0; w < st.pending.size(); ++w) {
    auto& p = st.pending[w];
    if (std::none_of(p.begin(), p.end(),
                     [&](const pending_attempt& x) { return x.deadline < now; }))
      continue;
    auto stuck = std::move(p);
    p.clear();
    st.in_flight[w] = 0;
    st.total_in_flight -= stuck.size();
    replace_worker(self, w);
    for (auto& x : stuck)
      on_attempt_failed(self, x.task, "worker " + std::to_string(w) + ": no answer in time");
  }
}

void dispatch(supervisor_actor* self) {
  auto& st = self->state;
  if (st.run->cancelled.load())
    return;
  while (!st.ready.empty()) {
    auto best = std::min_element(st.in_flight.begin(), st.in_flight.end());
    if (*best >= st.run->queue_size)
      return;
    // Every worker busy: a task sent now waits in a worker's mailbox (which
    // hides the round trip of short tasks). Not if a task still waiting for
    // a dependency outranks it: that task, once ready, would be stuck behind
    // it (a run's corpus stage lost the length of `hotspots`, queued on the
    // worker that then finished `import_graph`, before `call_graph`).
    if (*best > 0 && !st.waiting_ranks.empty()
        && st.ready.top().rank < *st.waiting_ranks.rbegin())
      return;
    auto task = st.ready.top().task;
    st.ready.pop();
    if (outcome(st, task).status != task_status::pending)
      continue;
    send_attempt(self, static_cast<std::uint32_t>(best - st.in_flight.begin()), task);
  }
}

caf::behavior supervisor(supervisor_actor* self, run_state_ptr run) {
  auto& st = self->state;
  st.run = run;
  const auto& graph = *run->graph;
  auto n = graph.size();
  run->result.tasks.assign(n, task_outcome{});
  run->result.workers = run->workers;
  st.ranks = graph.upward_ranks();
  st.missing_deps.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    st.missing_deps[i] = graph.tasks()[i].depends_on.size();
    if (st.missing_deps[i] == 0)
      st.ready.push({st.ranks[i], i});
    else
      st.waiting_ranks.insert(st.ranks[i]);
  }
  for (std::uint32_t w = 0; w < run->workers; ++w)
    st.workers.push_back(spawn_worker(self->system(), run, w));
  st.in_flight.assign(run->workers, 0);
  st.pending.resize(run->workers);
  dispatch(self);
  complete_if_finished(self);
  // One clock event per period instead of two per request.
  auto period = std::min<std::chrono::steady_clock::duration>(hang_limit(*run) / 4,
                                                              std::chrono::seconds(1));
  if (!st.finished)
    self->delayed_send(self, period, watchdog_atom::value);
  return {
    [=](cancel_atom) {
      self->state.run->cancelled = true;
      complete_if_finished(self);
    },
    [=](watchdog_atom) {
      check_deadlines(self);
      dispatch(self);
      complete_if_finished(self);
      if (!self->state.finished)
        self->delayed_send(self, period, watchdog_atom::value);
    },
  };
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, run_state_ptr state) {
  return sys.spawn(supervisor, std::move(state));
}

} // namespace troupe::detail
