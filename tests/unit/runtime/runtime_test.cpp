#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <dirent.h>
#include <pthread.h>
#include <sched.h>

#include "scripted_agents.hpp"
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
  test::scripted_agents agents;
  auto record = [&](std::string name) {
    return [&, name](const agent_input&) -> expected<std::string> {
      std::lock_guard<std::mutex> g{mx};
      order.push_back(name);
      return name;
    };
  };
  task_graph g;
  auto a = agents.add(g, "a", 1, {}, record("a"));
  auto b = agents.add(g, "b", 1, {a}, record("b"));
  auto c = agents.add(g, "c", 1, {a}, record("c"));
  agents.add(g, "d", 1, {b, c}, record("d"));
  auto res = rt.run(agents.registry, g);
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

  test::scripted_agents::body record(std::string name) {
    return [this, name](const agent_input&) -> expected<std::string> {
      order.push_back(name);
      return std::string{};
    };
  }

  void add(task_graph& g, const std::string& name, double cost,
           std::vector<std::size_t> deps = {}) {
    last = agents.add(g, name, cost, std::move(deps), record(name));
  }

  std::vector<std::string> order; // outlives the runtime's lanes
  test::scripted_agents agents;
  std::size_t last = 0;
  runtime rt;
};

} // namespace

TEST_CASE("with one worker, ready tasks start in upward-rank order", "[runtime]") {
  ordered_run run{1};
  task_graph g;
  // Independent roots with different ranks; "long" leads a longer chain.
  run.add(g, "small", 1);
  run.add(g, "mid", 3);
  run.add(g, "head", 1);
  run.add(g, "tail", 10, {run.last});
  auto res = run.rt.run(run.agents.registry, g);
  REQUIRE(res.ok());
  CHECK(run.order == std::vector<std::string>{"head", "tail", "mid", "small"});
}

TEST_CASE("a busy worker gets no queued task that a waiting task outranks", "[runtime]") {
  ordered_run run{2}; // room to queue a second task behind the first
  task_graph g;
  // "head" leads the critical path; "side" is ready at once but ranks
  // below "tail", which waits for "head": queued behind "head", it would
  // run before "tail".
  run.add(g, "head", 1);
  auto head = run.last;
  run.add(g, "side", 3);
  run.add(g, "tail", 10, {head});
  auto res = run.rt.run(run.agents.registry, g);
  REQUIRE(res.ok());
  CHECK(run.order == std::vector<std::string>{"head", "tail", "side"});
}

TEST_CASE("a failing task is retried, then fails and skips its dependants", "[runtime]") {
  runtime rt{workers(2)};
  std::atomic<int> flaky_calls{0};
  std::atomic<int> poison_calls{0};
  test::scripted_agents agents;
  task_graph g;
  auto flaky = agents.add(g, "flaky", 1, {}, [&](const agent_input& in) -> expected<std::string> {
    ++flaky_calls;
    if (in.attempt < 3)
      throw std::runtime_error("transient");
    return std::string{};
  });
  auto poison = agents.add(g, "poison", 1, {}, [&](const agent_input&) -> expected<std::string> {
    ++poison_calls;
    return error{errc::agent_failed, "always fails"};
  });
  auto child = agents.add(g, "child", 1, {poison});
  auto grandchild = agents.add(g, "grandchild", 1, {child, flaky});
  auto independent = agents.add(g, "independent", 1, {flaky});
  graph_run_options ro;
  ro.max_retries = 3;
  auto res = rt.run(agents.registry, g, ro);
  CHECK_FALSE(res.ok());
  CHECK(res.tasks[flaky].status == task_status::done);
  CHECK(res.tasks[flaky].attempts == 3);
  CHECK(flaky_calls == 3);
  CHECK(res.tasks[poison].status == task_status::failed);
  CHECK(res.tasks[poison].attempts == 4);
  CHECK(poison_calls == 4);
  CHECK(res.tasks[poison].error.code() == errc::agent_failed);
  CHECK(res.tasks[poison].error.message().find("always fails") != std::string::npos);
  CHECK(res.tasks[child].status == task_status::skipped);
  CHECK(res.tasks[grandchild].status == task_status::skipped);
  CHECK(res.tasks[independent].status == task_status::done);
}

TEST_CASE("cancel stops dispatching and marks the rest cancelled", "[runtime]") {
  runtime_options opts;
  opts.workers = 1;
  opts.queue_size = 1;
  runtime rt{opts};
  test::scripted_agents agents;
  task_graph g;
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i)
    agents.add(g, "t" + std::to_string(i), 1, {}, [&](const agent_input&) -> expected<std::string> {
      ++ran;
      std::this_thread::sleep_for(20ms);
      return std::string{};
    });
  std::thread canceller{[&] {
    std::this_thread::sleep_for(100ms);
    rt.cancel();
  }};
  auto start = std::chrono::steady_clock::now();
  auto res = rt.run(agents.registry, g);
  canceller.join();
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(res.cancelled);
  CHECK(ran < 50);
  CHECK(res.count(task_status::cancelled) + res.count(task_status::done) == 50);
  CHECK(res.count(task_status::cancelled) > 0);
}

TEST_CASE("a cancel before a run cancels that run as it starts, and only that one",
          "[runtime]") {
  runtime_options opts;
  opts.workers = 1;
  runtime rt{opts};
  test::scripted_agents agents;
  task_graph g;
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i)
    agents.add(g, "t" + std::to_string(i), 1, {}, [&](const agent_input&) -> expected<std::string> {
      ++ran;
      std::this_thread::sleep_for(5ms);
      return std::string{};
    });
  rt.cancel(); // no run yet: a Ctrl-C during start-up
  auto first = rt.run(agents.registry, g);
  CHECK(first.cancelled);
  CHECK(first.count(task_status::cancelled) > 0);
  CHECK(ran < 20);
  ran = 0;
  auto second = rt.run(agents.registry, g);
  CHECK_FALSE(second.cancelled);
  CHECK(second.count(task_status::done) == 20);
  CHECK(ran == 20);
}

TEST_CASE("a runtime stops cleanly and leaves no thread behind", "[runtime]") {
  auto before = thread_count();
  for (int i = 0; i < 3; ++i) {
    runtime rt{workers(2)};
    test::scripted_agents agents;
    task_graph g;
    agents.add(g, "one", 1, {});
    CHECK(rt.run(agents.registry, g).ok());
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
  test::scripted_agents agents;
  task_graph g;
  agents.add(g, "warm", 1, {});
  REQUIRE(rt.run(agents.registry, g).ok());
  auto cpu0 = process_cpu_seconds();
  auto wall0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(2s);
  auto cpu = process_cpu_seconds() - cpu0;
  auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  auto share = cpu / wall;
  INFO("idle CPU share of one core: " << share * 100 << "%");
  CHECK(share < 0.005);
}

TEST_CASE("max_concurrent bounds the attempts running at once; 1 runs them in turn",
          "[runtime]") {
  for (std::uint32_t cap : {0u, 1u}) {
    runtime rt{workers(2)};
    test::scripted_agents agents;
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    task_graph g;
    for (int i = 0; i < 6; ++i)
      agents.add(g, "t" + std::to_string(i), 1, {}, [&](const agent_input&) -> expected<std::string> {
        auto now = ++running;
        for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);)
          ;
        std::this_thread::sleep_for(30ms);
        --running;
        return std::string{};
      });
    graph_run_options ro;
    ro.max_concurrent = cap;
    REQUIRE(rt.run(agents.registry, g, ro).ok());
    INFO("max_concurrent " << cap);
    CHECK(most == (cap == 1 ? 1 : 2));
  }
}

TEST_CASE("cpu_affinity pins each worker lane to one core", "[runtime]") {
  for (bool pin : {false, true}) {
    runtime_options opts = workers(2);
    opts.cpu_affinity = pin;
    runtime rt{opts};
    test::scripted_agents agents;
    std::mutex mx;
    std::vector<int> cores;
    task_graph g;
    for (int i = 0; i < 4; ++i)
      agents.add(g, "t" + std::to_string(i), 1, {}, [&](const agent_input&) -> expected<std::string> {
        cpu_set_t set;
        CPU_ZERO(&set);
        pthread_getaffinity_np(pthread_self(), sizeof set, &set);
        std::lock_guard<std::mutex> guard{mx};
        cores.push_back(CPU_COUNT(&set));
        return std::string{};
      });
    REQUIRE(rt.run(agents.registry, g).ok());
    cpu_set_t all;
    CPU_ZERO(&all);
    REQUIRE(sched_getaffinity(0, sizeof all, &all) == 0);
    for (auto n : cores)
      CHECK(n == (pin ? 1 : CPU_COUNT(&all)));
  }
}
