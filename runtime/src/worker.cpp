#include <exception>
#include <string>
#include <tuple>

#include <caf/all.hpp>

#include "internal/pool_actors.hpp"
#include "troupe/runtime/error.hpp"
#include "troupe/runtime/messages.hpp"

namespace troupe::detail {

namespace {

/// Runs one attempt of a task and turns every way it can fail into text.
std::string run_attempt(const run_state& st, std::size_t task, std::uint32_t attempt,
                        std::uint32_t worker) {
  const auto& spec = st.graph->tasks()[task];
  task_context ctx{task, attempt, worker, &st.cancelled};
  try {
    auto err = spec.body ? spec.body(ctx) : caf::error{};
    return err ? render_error(err) : std::string{};
  } catch (const std::exception& ex) {
    return std::string{"exception: "} + ex.what();
  } catch (...) {
    return "exception of unknown type";
  }
}

} // namespace

caf::actor spawn_worker(caf::actor_system& sys, run_state_ptr state, std::uint32_t id) {
  return sys.spawn<caf::detached>([state, id](caf::event_based_actor* self) -> caf::behavior {
    (void) self;
    return {
      [state, id](run_atom, std::uint64_t task, std::uint32_t attempt) {
        auto started = state->now_s();
        std::string err;
        if (state->cancelled.load(std::memory_order_relaxed))
          err = render_error(make_error(errc::cancelled, "run cancelled before start"));
        else
          err = run_attempt(*state, task, attempt, id);
        auto finished = state->now_s();
        auto limit = std::chrono::duration<double>(state->options.task_timeout).count();
        if (err.empty() && finished - started > limit)
          err = render_error(make_error(
            errc::task_timeout, "took " + std::to_string(finished - started) + " s"));
        return std::make_tuple(task, id, std::move(err), started, finished);
      },
    };
  });
}

} // namespace troupe::detail
