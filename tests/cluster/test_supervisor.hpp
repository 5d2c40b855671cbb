// File: a stand-in for a run's supervisor in the cluster tests: collects the
// replies lanes send it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include <caf/all.hpp>

#include "troupe/runtime/internal/messages.hpp"

namespace troupe::test {

/// Replies received by a test supervisor, shared with the test thread.
struct reply_log {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<troupe::detail::task_reply> replies;

  /// Waits until at least `n` replies arrived, at most `limit`.
  bool wait_for(std::size_t n, std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> guard{mutex};
    return changed.wait_for(guard, limit, [&] { return replies.size() >= n; });
  }

  std::size_t size() {
    std::lock_guard<std::mutex> guard{mutex};
    return replies.size();
  }
};

inline troupe::detail::supervisor_actor spawn_test_supervisor(caf::actor_system& sys,
                                                              std::shared_ptr<reply_log> log) {
  using namespace troupe::detail;
  return sys.spawn([log](supervisor_actor::pointer) -> supervisor_actor::behavior_type {
    return {
      [log](done_atom, reply_batch& batch) {
        std::lock_guard<std::mutex> guard{log->mutex};
        for (auto& r : batch)
          log->replies.push_back(std::move(r));
        log->changed.notify_all();
      },
      [](cancel_atom) {},
      [](watchdog_atom) {},
    };
  });
}

/// One attempt of `agents` on one item, as a supervisor sends it.
inline troupe::detail::task_batch one_task(std::uint64_t task,
                                           std::vector<std::string> agents) {
  troupe::detail::task_request req;
  req.run = 1;
  req.task = task;
  req.attempt = 1;
  req.agents = std::move(agents);
  troupe::detail::task_item item;
  item.index = 0;
  item.name = "a.py";
  item.bytes = 10;
  item.content.data = std::make_shared<const std::string>("x = 1\n");
  req.items.push_back(item);
  return {req};
}

} // namespace troupe::test
