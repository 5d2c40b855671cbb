// The lanes a node serves for a run supervised by another process.
#include "troupe/runtime/internal/served_run.hpp"

#include <caf/all.hpp>

#include "internal/pool_actors.hpp"
#include "internal/run_state.hpp"

namespace troupe::detail {

served_run::served_run(caf::actor_system& sys, supervisor_actor supervisor,
                       std::chrono::milliseconds task_timeout,
                       std::shared_ptr<sender_guard> guard,
                       std::shared_ptr<std::atomic<std::uint64_t>> tasks_done)
  : sys_(sys),
    supervisor_(std::move(supervisor)),
    guard_(std::move(guard)),
    tasks_done_(std::move(tasks_done)),
    state_(std::make_shared<run_state>()) {
  // Only what a lane reads: the deadline of an attempt and the cancel flag.
  // No locals: the owning process's per-run state stays there.
  state_->options.task_timeout = task_timeout;
}

served_run::~served_run() {
  stop();
}

agent_actor served_run::spawn_lane(std::shared_ptr<const agent_executor> executor) {
  const auto& ref = *executor;
  lane_hooks hooks{guard_, tasks_done_, std::move(executor)};
  auto lane = detail::spawn_lane(sys_, ref, state_, supervisor_, std::move(hooks));
  lanes_.push_back(lane);
  return lane;
}

void served_run::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  state_->cancelled = true;
  for (auto& lane : lanes_)
    caf::anon_send_exit(lane, caf::exit_reason::user_shutdown);
}

} // namespace troupe::detail
