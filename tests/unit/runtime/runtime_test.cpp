#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <dirent.h>

#include "troupe/runtime/error.hpp"
#include "troupe/runtime/runtime.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

int thread_count() {
  int n = 0;
  if (auto* dir = opendir("/proc/self/task")) {
    while (auto* e = readdir(dir))
      if (e->d_name[0] != '.')
        ++n;
    closedir(dir);
  }
  return n;
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

runtime_options workers(std::uint32_t n) {
  runtime_options opts;
  opts.workers = n;
  return opts;
}

} // namespace

TEST_CASE("a diamond DAG runs every task after its dependencies", "[runtime]") {
  runtime rt{workers(2)};
  std::mutex mx;
  std::vector<std::string> order;
  auto record = [&](std::string name) {
    return [&, name](const task_context&) {
      std::lock_guard<std::mutex> g{mx};
      order.push_back(name);
      return caf::error{};
    };
  };
  task_graph g;
  auto a = g.add({"a", "t", 1, {}, record("a")});
  auto b = g.add({"b", "t", 1, {a}, record("b")});
  auto c = g.add({"c", "t", 1, {a}, record("c")});
  g.add({"d", "t", 1, {b, c}, record("d")});
  auto res = rt.run(g);
  REQUIRE(res.ok());
  REQUIRE(order.size() == 4);
  CHECK(order.front() == "a");
  CHECK(order.back() == "d");
  CHECK(res.workers == 2);
  for (auto& t : res.tasks)
    CHECK(t.attempts == 1);
}

namespace {

/// A runtime with one worker whose tasks record the order they ran in
/// (one worker: no concurrent writes).
struct ordered_run {
  explicit ordered_run(std::uint32_t queue_size) : rt{[&] {
    runtime_options opts;
    opts.workers = 1;
    opts.queue_size = queue_size;
    return opts;
  }()} {}

  auto record(std::string name) {
    return [this, name](const task_context&) {
      order.push_back(name);
      return caf::error{};
    };
  }

  std::vector<std::string> order; // outlives the runtime's workers
  runtime rt;
};

} // namespace

TEST_CASE("with one worker, ready tasks start in upward-rank order", "[runtime]") {
  ordered_run run{1};
  task_graph g;
  // Independent roots with different ranks; "long" leads a longer chain.
  g.add({"small", "t", 1, {}, run.record("small")});
  g.add({"mid", "t", 3, {}, run.record("mid")});
  auto head = g.add({"head", "t", 1, {}, run.record("head")});
  g.add({"tail", "t", 10, {head}, run.record("tail")});
  auto res = run.rt.run(g);
  REQUIRE(res.ok());
  CHECK(run.order == std::vector<std::string>{"head", "tail", "mid", "small"});
}

TEST_CASE("a busy worker gets no queued task that a waiting task outranks", "[runtime]") {
  ordered_run run{2}; // room to queue a second task behind the first
  task_graph g;
  // "head" leads the critical path; "side" is ready at once but ranks
  // below "tail", which waits for "head": queued behind "head", it would
  // run before "tail".
  auto head = g.add({"head", "t", 1, {}, run.record("head")});
  g.add({"side", "t", 3, {}, run.record("side")});
  g.add({"tail", "t", 10, {head}, run.record("tail")});
  auto res = run.rt.run(g);
  REQUIRE(res.ok());
  CHECK(run.order == std::vector<std::string>{"head", "tail", "side"});
}

TEST_CASE("a failing task is retried, then fails and skips its dependants", "[runtime]") {
  runtime rt{workers(2)};
  std::atomic<int> flaky_calls{0};
  std::atomic<int> poison_calls{0};
  task_graph g;
  auto flaky = g.add({"flaky", "t", 1, {}, [&](const task_context& ctx) {
                        ++flaky_calls;
                        if (ctx.attempt < 3)
                          throw std::runtime_error("transient");
                        return caf::error{};
                      }});
  auto poison = g.add({"poison", "t", 1, {}, [&](const task_context&) {
                         ++poison_calls;
                         return make_error(errc::agent_failed, "always fails");
                       }});
  auto child = g.add({"child", "t", 1, {poison}, {}});
  auto grandchild = g.add({"grandchild", "t", 1, {child, flaky}, {}});
  auto independent = g.add({"independent", "t", 1, {flaky}, {}});
  graph_run_options ro;
  ro.max_retries = 3;
  auto res = rt.run(g, ro);
  CHECK_FALSE(res.ok());
  CHECK(res.tasks[flaky].status == task_status::done);
  CHECK(res.tasks[flaky].attempts == 3);
  CHECK(flaky_calls == 3);
  CHECK(res.tasks[poison].status == task_status::failed);
  CHECK(res.tasks[poison].attempts == 4);
  CHECK(poison_calls == 4);
  CHECK(res.tasks[poison].error.find("always fails") != std::string::npos);
  CHECK(res.tasks[child].status == task_status::skipped);
  CHECK(res.tasks[grandchild].status == task_status::skipped);
  CHECK(res.tasks[independent].status == task_status::done);
}

TEST_CASE("cancel stops dispatching and marks the rest cancelled", "[runtime]") {
  runtime_options opts;
  opts.workers = 1;
  opts.queue_size = 1;
  runtime rt{opts};
  task_graph g;
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i)
    g.add({"t" + std::to_string(i), "t", 1, {}, [&](const task_context&) {
             ++ran;
             std::this_thread::sleep_for(20ms);
             return caf::error{};
           }});
  std::thread canceller{[&] {
    std::this_thread::sleep_for(100ms);
    rt.cancel();
  }};
  auto start = std::chrono::steady_clock::now();
  auto res = rt.run(g);
  canceller.join();
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(res.cancelled);
  CHECK(ran < 50);
  CHECK(res.count(task_status::cancelled) + res.count(task_status::done) == 50);
  CHECK(res.count(task_status::cancelled) > 0);
}

TEST_CASE("a runtime stops cleanly and leaves no thread behind", "[runtime]") {
  auto before = thread_count();
  for (int i = 0; i < 3; ++i) {
    runtime rt{workers(2)};
    task_graph g;
    g.add({"one", "t", 1, {}, [](const task_context&) { return caf::error{}; }});
    CHECK(rt.run(g).ok());
  }
  // CAF joins its scheduler threads in the actor system's destructor; a
  // detached worker's thread signals "done" just before it returns, so it
  // may take a moment to vanish. A leaked thread would never vanish. (A
  // thread of an earlier test may still have been on its way out when
  // `before` was taken: fewer threads than before is no leak.)
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (thread_count() > before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  CHECK(thread_count() <= before);
}

TEST_CASE("an idle runtime uses under 0.5% of one core", "[runtime][idle]") {
  runtime rt{workers(2)};
  task_graph g;
  g.add({"warm", "t", 1, {}, [](const task_context&) { return caf::error{}; }});
  REQUIRE(rt.run(g).ok());
  auto cpu0 = process_cpu_seconds();
  auto wall0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(2s);
  auto cpu = process_cpu_seconds() - cpu0;
  auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  auto share = cpu / wall;
  INFO("idle CPU share of one core: " << share * 100 << "%");
  CHECK(share < 0.005);
}
