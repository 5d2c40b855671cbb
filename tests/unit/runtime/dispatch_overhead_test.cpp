// Timing properties of the scheduler; registered RUN_SERIAL so that other
// tests' load does not skew them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "troupe/runtime/runtime.hpp"
#include "troupe/scenarios/layered_dag.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

double seconds_of(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

/// An agent that sleeps the milliseconds its task's payload names, and
/// one that does nothing.
agent_registry timing_agents() {
  agent_registry reg;
  auto err = reg.add({"sleep", 1, agent_scope::per_item, {}, "sleeps"},
                     [](const agent_input& in) -> expected<std::string> {
                       std::this_thread::sleep_for(
                         std::chrono::milliseconds(std::stoi(std::string{in.payload})));
                       return std::string{};
                     });
  if (!err)
    err = reg.add({"empty", 1, agent_scope::per_item, {}, "does nothing"},
                  [](const agent_input&) -> expected<std::string> { return std::string{}; });
  if (err)
    throw std::logic_error(err.message());
  return reg;
}

std::size_t add_sleeper(task_graph& g, std::string name, int ms, std::vector<std::size_t> deps) {
  task_spec t;
  t.name = std::move(name);
  t.agents = {"sleep"};
  t.cost = ms / 1e3;
  t.depends_on = std::move(deps);
  t.payload = std::to_string(ms);
  return g.add(std::move(t));
}

/// The group shape of an analysis run, at millisecond scale: 24 shards of
/// 4-20 ms, 6 cross-shard tasks of 5-15 ms over 6 shards each, a 2-task tail.
task_graph analysis_shaped_graph() {
  task_graph g;
  for (int i = 0; i < 24; ++i)
    add_sleeper(g, "shard" + std::to_string(i), 4 + (i * 7) % 17, {});
  for (int j = 0; j < 6; ++j) {
    std::vector<std::size_t> deps;
    for (int k = 0; k < 6; ++k)
      deps.push_back(static_cast<std::size_t>((j * 4 + k) % 24));
    add_sleeper(g, "cross" + std::to_string(j), 5 + (j * 5) % 11, deps);
  }
  auto a = add_sleeper(g, "aggregate", 6, {24, 25, 26});
  add_sleeper(g, "report", 4, {a, 27, 28, 29});
  return g;
}

/// Longest path through the graph weighted by the measured durations.
double measured_critical_path(const task_graph& g, const graph_result& r) {
  std::vector<double> finish(g.size(), 0.0);
  double longest = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    double start = 0;
    for (auto d : g.tasks()[i].depends_on)
      start = std::max(start, finish[d]);
    finish[i] = start + (r.tasks[i].finished_s - r.tasks[i].started_s);
    longest = std::max(longest, finish[i]);
  }
  return longest;
}

} // namespace

TEST_CASE("the benchmark DAG has fan_in distinct edges from the previous layer",
          "[runtime][perf]") {
  auto deps = scenarios::layered_dag(100, 100, 3);
  REQUIRE(deps.size() == 10000);
  std::size_t edges = 0;
  for (std::size_t i = 0; i < deps.size(); ++i) {
    auto layer = i / 100;
    auto d = deps[i];
    edges += d.size();
    CHECK(d.size() == (layer == 0 ? 0u : 3u));
    std::sort(d.begin(), d.end());
    CHECK(std::adjacent_find(d.begin(), d.end()) == d.end());
    for (auto x : d)
      CHECK(x / 100 == layer - 1);
  }
  CHECK(edges == 99 * 100 * 3);
  CHECK(scenarios::layered_dag(3, 37, 40)[40].size() == 37); // fan-in capped, terminates
}

TEST_CASE("dispatching a 10,000-task DAG of empty tasks costs under 5 us per task",
          "[runtime][perf]") {
  constexpr std::size_t width = 100;
  constexpr std::size_t tasks = 10000;
  runtime_options opts;
  opts.workers = 2;
  runtime rt{opts};
  auto deps = scenarios::layered_dag(tasks / width, width, 3);
  auto agents = timing_agents();
  task_graph g;
  for (std::size_t i = 0; i < deps.size(); ++i)
    g.add({"t" + std::to_string(i), {"empty"}, 0.001, deps[i]});
  REQUIRE(rt.run(agents, g).ok()); // warm-up: allocator, page faults, thread start
  // Other processes' load only ever adds time, so the best run is the
  // overhead itself; on a quiet machine the median is within ~10% of it.
  // On a shared host a busy spell can slow every run of a batch (CI once
  // measured a best of 21.1 us where runs alone gave 15-17 us): a batch
  // over the limit is retried after a pause, at most twice.
  constexpr double limit_us = 5.0;
  std::vector<double> per_task_us;
  double best = 1e9;
  for (int batch = 0; batch < 3 && best >= limit_us; ++batch) {
    if (batch > 0)
      std::this_thread::sleep_for(std::chrono::seconds(2));
    per_task_us.clear();
    for (int rep = 0; rep < 5; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      auto res = rt.run(agents, g);
      auto wall = seconds_of(std::chrono::steady_clock::now() - t0);
      REQUIRE(res.ok());
      REQUIRE(res.count(task_status::done) == tasks);
      per_task_us.push_back(wall / tasks * 1e6);
    }
    std::sort(per_task_us.begin(), per_task_us.end());
    best = std::min(best, per_task_us.front());
    UNSCOPED_INFO("batch " << batch + 1 << ": per-task dispatch, best " << per_task_us.front()
                           << " us, median " << per_task_us[2] << " us (2 workers, queue size "
                           << opts.queue_size << ")");
  }
  CHECK(best < limit_us);
}

TEST_CASE("the makespan stays within 1.10x of its lower bound", "[runtime][perf]") {
  runtime_options opts;
  opts.workers = 2;
  runtime rt{opts};
  auto g = analysis_shaped_graph();
  auto agents = timing_agents();
  for (int rep = 0; rep < 3; ++rep) {
    auto res = rt.run(agents, g);
    REQUIRE(res.ok());
    double work = 0;
    double first_start = 1e9;
    double last_finish = 0;
    for (const auto& t : res.tasks) {
      work += t.finished_s - t.started_s;
      first_start = std::min(first_start, t.started_s);
      last_finish = std::max(last_finish, t.finished_s);
    }
    // Both sides from the same run's measured task durations.
    auto bound = std::max(measured_critical_path(g, res), work / opts.workers);
    // The makespan is the span of the tasks plus the time to the first start
    // (spawning the supervisor and workers), which the bound leaves out and
    // the constant 3 ms covers.
    auto makespan = last_finish;
    INFO("makespan " << makespan * 1e3 << " ms, bound " << bound * 1e3 << " ms, first start "
                     << first_start * 1e3 << " ms, wall " << res.wall_seconds * 1e3 << " ms");
    CHECK(makespan <= 1.10 * bound + 0.003);
  }
}
