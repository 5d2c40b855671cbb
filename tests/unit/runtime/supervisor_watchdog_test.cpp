#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "troupe/runtime/runtime.hpp"

using namespace troupe;
using namespace std::chrono_literals;

TEST_CASE("a worker stuck in a task is replaced and the task retried elsewhere",
          "[runtime][watchdog]") {
  runtime_options opts;
  opts.workers = 1;
  opts.queue_size = 1;
  runtime rt{opts};
  std::atomic<int> calls{0};
  task_graph g;
  auto stuck = g.add({"stuck_once", "t", 1, {}, [&](const task_context& ctx) {
                        ++calls;
                        if (ctx.attempt == 1)
                          std::this_thread::sleep_for(2500ms); // ignores cancellation
                        return caf::error{};
                      }});
  auto after = g.add({"after", "t", 1, {stuck}, {}});
  graph_run_options ro;
  ro.task_timeout = 50ms; // hang limit: 50 ms x (queue size + 1) + 1 s
  ro.max_retries = 1;
  auto t0 = std::chrono::steady_clock::now();
  auto res = rt.run(g, ro);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(res.ok());
  CHECK(res.tasks[stuck].attempts == 2);
  CHECK(calls == 2);
  CHECK(res.tasks[after].status == task_status::done);
  // Written off by the watchdog (hang limit 1.1 s, checked every 275 ms),
  // long before the stuck body returns.
  CHECK(took < 2000ms);
  CHECK(took > 1000ms);
}
