#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "scripted_agents.hpp"
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
  test::scripted_agents agents;
  task_graph g;
  auto stuck = agents.add(g, "stuck_once", 1, {}, [&](const agent_input& in) -> expected<std::string> {
    ++calls;
    if (in.attempt == 1)
      std::this_thread::sleep_for(2500ms); // ignores cancellation
    return std::string{};
  });
  auto after = agents.add(g, "after", 1, {stuck});
  graph_run_options ro;
  ro.task_timeout = 50ms; // hang limit: 50 ms x (queue size + 1) + 1 s
  ro.max_retries = 1;
  auto t0 = std::chrono::steady_clock::now();
  auto res = rt.run(agents.registry, g, ro);
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
