// An agent lane: a detached typed actor that runs one attempt at a time with
// its executor and answers the supervisor with the reply.
#include <chrono>
#include <exception>
#include <new>
#include <vector>

#include <pthread.h>
#include <sched.h>
#include <string>

#include <caf/all.hpp>

#include "internal/run_state.hpp"
#include "troupe/runtime/internal/lanes.hpp"
#include "troupe/base/internal/caf_error.hpp"

namespace troupe::detail {

namespace {

/// Runs one attempt and turns the ways it can fail into the reply's error,
/// but for memory exhaustion: a lane whose allocation failed may hold
/// broken state (its parser, its buffers), so it dies; the supervisor,
/// which monitors it, fails the attempt at once and retries it on a fresh
/// lane.
void run_attempt(const agent_executor& executor, const lane_env& env, const task_request& req,
                 task_reply& reply) {
  lane_context ctx{req.slot, &env.cancelled, env.locals.get(), env.cache};
  try {
    reply.error = executor.run(req, ctx, reply);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    reply.error = make_caf_error(errc::agent_failed, std::string{"exception: "} + e.what());
  } catch (...) {
    reply.error = make_caf_error(errc::agent_failed, "exception of unknown type");
  }
}

/// Pins the calling thread to core `index` mod the cores it may use.
void pin_to_core(std::uint32_t index) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
    return;
  std::vector<int> cores;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed))
      cores.push_back(c);
  if (cores.empty())
    return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cores[index % cores.size()], &one);
  pthread_setaffinity_np(pthread_self(), sizeof one, &one);
}

} // namespace

agent_actor spawn_lane(caf::actor_system& sys, const agent_executor& executor,
                       std::shared_ptr<lane_env> env, std::uint32_t index) {
  bool pin = env->cpu_affinity && executor.per_slot();
  auto lane = [&executor, env, pin, index](agent_actor::pointer self) -> agent_actor::behavior_type {
    // A detached lane's behaviour starts on its own thread.
    if (pin)
      pin_to_core(index);
    return {
      [self, &executor, env](run_atom, const task_batch& batch) {
        auto sender = self->current_sender();
        if (!sender || (env->admit && !env->admit(sender)))
          return;
        auto limit = std::chrono::duration_cast<std::chrono::nanoseconds>(env->task_timeout)
                       .count();
        reply_batch replies(batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
          const auto& req = batch[i];
          auto& reply = replies[i];
          reply.task = req.task;
          reply.attempt = req.attempt;
          reply.slot = req.slot;
          reply.started_ns = steady_now_ns();
          // Cancellation is the executor's to observe (per item): a task
          // that runs after failures (a report) still runs when cancelled.
          run_attempt(executor, *env, req, reply);
          reply.finished_ns = steady_now_ns();
          if (!reply.error && reply.finished_ns - reply.started_ns > limit)
            reply.error = make_caf_error(
              errc::task_timeout,
              "took " + std::to_string((reply.finished_ns - reply.started_ns) / 1e9) + " s");
        }
        if (env->tasks_done)
          env->tasks_done->fetch_add(batch.size(), std::memory_order_relaxed);
        auto to = env->reply_to ? env->reply_to : caf::actor_cast<supervisor_actor>(sender);
        self->send(to, done_atom::value, std::move(replies));
      },
    };
  };
  // Per-item work (parsing files, a host's per-item handler) runs on lanes
  // of their own threads, so blocking work never stalls CAF's scheduler.
  // A single-lane agent (a corpus agent, the report) runs on the scheduler's
  // threads, which the runtime sizes to workers + 1: such a task only ever
  // runs on an idle slot, so one thread always stays free for the
  // supervisor. (One thread per corpus agent kept ~10 MB more of freed
  // memory in the allocator's per-thread caches, measured: 15 threads
  // instead of 3.)
  if (executor.per_slot())
    return sys.spawn<caf::detached>(lane);
  return sys.spawn(lane);
}

} // namespace troupe::detail
