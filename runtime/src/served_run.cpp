// The lanes a node serves for a run supervised by another process.
#include "troupe/runtime/internal/served_run.hpp"

#include <caf/all.hpp>

namespace troupe::detail {

void lane_census::add() {
  std::lock_guard<std::mutex> guard{mtx_};
  ++alive_;
}

void lane_census::remove() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (alive_ > 0 && --alive_ == 0)
    cv_.notify_all();
}

bool lane_census::wait_empty(std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> guard{mtx_};
  return cv_.wait_for(guard, limit, [this] { return alive_ == 0; });
}

served_run::served_run(caf::actor_system& sys, supervisor_actor supervisor,
                       std::chrono::milliseconds task_timeout,
                       std::shared_ptr<sender_guard> guard,
                       std::shared_ptr<std::atomic<std::uint64_t>> tasks_done,
                       std::shared_ptr<run_locals> locals,
                       std::shared_ptr<cache::tiered_cache> cache,
                       std::shared_ptr<lane_census> census)
  : sys_(sys),
    supervisor_(std::move(supervisor)),
    env_(std::make_shared<lane_env>()),
    census_(std::move(census)) {
  env_->task_timeout = task_timeout;
  env_->reply_to = supervisor_;
  env_->locals = std::move(locals);
  env_->cache = cache.get();
  env_->tasks_done = std::move(tasks_done);
  // The lanes keep what they use alive through their environment.
  env_->keep_alive.push_back(std::move(cache));
  if (guard) {
    env_->admit = [guard](const caf::strong_actor_ptr& sender) { return guard->admit(sender); };
    env_->keep_alive.push_back(guard);
  }
}

served_run::~served_run() {
  stop();
}

agent_actor served_run::spawn_lane(std::shared_ptr<const agent_executor> executor) {
  const auto& ref = *executor;
  env_->keep_alive.push_back(std::move(executor));
  auto index = static_cast<std::uint32_t>(lanes_.size());
  auto lane = detail::spawn_lane(sys_, ref, env_, index);
  if (census_) {
    // Attached before the handle leaves this process (see lane_census).
    census_->add();
    caf::actor_cast<caf::abstract_actor*>(lane)->attach_functor(
      [census = census_] { census->remove(); });
  }
  lanes_.push_back(lane);
  return lane;
}

void served_run::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  env_->cancelled = true;
  for (auto& lane : lanes_)
    caf::anon_send_exit(lane, caf::exit_reason::user_shutdown);
}

} // namespace troupe::detail
