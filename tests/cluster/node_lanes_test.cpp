// Lanes of a remote run: a node spawns them from its own registry for the
// agents a supervisor names, they answer that supervisor, and they end when
// the run is closed or its supervisor is gone.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

#include <caf/all.hpp>

#include "node_process.hpp"
#include "test_supervisor.hpp"
#include "troupe/base/internal/caf_error.hpp"

using namespace troupe;
using namespace troupe::nodes::detail;
using namespace std::chrono_literals;

namespace {

const std::string token = "lanes-test-token";

/// Counts down messages of the lanes a test monitors.
struct down_log {
  std::mutex mutex;
  std::size_t downs = 0;
};

caf::actor spawn_watcher(caf::actor_system& sys, std::shared_ptr<down_log> log,
                         std::vector<troupe::detail::agent_actor> lanes) {
  return sys.spawn([log, lanes](caf::event_based_actor* self) -> caf::behavior {
    self->set_down_handler([log](caf::down_msg&) {
      std::lock_guard<std::mutex> guard{log->mutex};
      ++log->downs;
    });
    for (auto& l : lanes)
      self->monitor(l);
    return {[](caf::ok_atom) {}};
  });
}

std::size_t downs(down_log& log) {
  std::lock_guard<std::mutex> guard{log.mutex};
  return log.downs;
}

} // namespace

TEST_CASE("a node opens lanes for a remote run and closes them", "[cluster][lanes]") {
  test::node_process node{{"--token", token, "--workers", "2", "--name", "n1"}};
  REQUIRE(node.wait_listening());
  test::client c;
  auto& sys = c.system();
  auto j = c.join(node.port(), token);
  REQUIRE(j);
  CHECK(j->info.workers == 2);
  CHECK(j->info.agents.size() == 23);
  auto log = std::make_shared<test::reply_log>();
  auto supervisor = test::spawn_test_supervisor(sys, log);

  // Agents of one executor share its lanes: the group-1 agents one lane per
  // worker slot, a corpus agent one lane.
  auto opened = open_lanes(sys, j->node,
                           open_request{1, {"size", "import_graph", "symbols"}, 10'000, supervisor},
                           5s);
  REQUIRE(opened);
  CHECK(opened->run == 1);
  CHECK(opened->node == "n1");
  REQUIRE(opened->groups.size() == 2);
  CHECK(opened->groups[0].agents == std::vector<std::string>{"size", "symbols"});
  CHECK(opened->groups[0].per_slot);
  CHECK(opened->groups[0].lanes.size() == 2);
  CHECK(opened->groups[1].agents == std::vector<std::string>{"import_graph"});
  CHECK_FALSE(opened->groups[1].per_slot);
  CHECK(opened->groups[1].lanes.size() == 1);
  for (const auto& g : opened->groups)
    for (const auto& l : g.lanes)
      CHECK(l.node() == j->id);

  // A lane answers the supervisor for each attempt of a batch.
  caf::scoped_actor self{sys};
  auto batch = test::one_task(41, {"size"});
  batch.push_back(test::one_task(42, {"size"})[0]);
  batch[1].slot = 1;
  self->send(opened->groups[0].lanes[1], troupe::detail::run_atom::value, batch);
  REQUIRE(log->wait_for(2, 10s));
  {
    std::lock_guard<std::mutex> guard{log->mutex};
    CHECK(log->replies[0].task == 41);
    CHECK(log->replies[0].attempt == 1);
    CHECK(log->replies[1].task == 42);
    CHECK(log->replies[1].slot == 1);
    for (const auto& r : log->replies)
      CHECK(r.finished_ns >= r.started_ns);
  }
  auto h = c.health(*j);
  REQUIRE(h);
  CHECK(h->runs_active == 1);
  CHECK(h->tasks_done == 2);

  SECTION("an unknown agent is named; a second open of the same run is refused") {
    auto other = test::spawn_test_supervisor(sys, std::make_shared<test::reply_log>());
    auto bad = open_lanes(sys, j->node, open_request{2, {"size", "nope"}, 10'000, other}, 5s);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == errc::invalid_graph);
    CHECK(bad.error().message().find("agent 'nope' is not registered on node n1")
          != std::string::npos);
    auto again = open_lanes(sys, j->node, open_request{1, {"size"}, 10'000, supervisor}, 5s);
    REQUIRE_FALSE(again);
    CHECK(again.error().message().find("already has lanes") != std::string::npos);
    caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
  }
  SECTION("close ends every lane of the run") {
    auto downs_seen = std::make_shared<down_log>();
    std::vector<troupe::detail::agent_actor> all;
    for (const auto& g : opened->groups)
      all.insert(all.end(), g.lanes.begin(), g.lanes.end());
    auto watcher = spawn_watcher(sys, downs_seen, all);
    auto closed = close_lanes(sys, j->node, 1, 5s);
    REQUIRE(closed);
    CHECK(*closed == 3);
    CHECK(test::eventually([&] { return downs(*downs_seen) == 3; }, 5s));
    auto after = c.health(*j);
    REQUIRE(after);
    CHECK(after->runs_active == 0);
    caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  }
  SECTION("a supervisor that is gone takes its lanes with it") {
    auto downs_seen = std::make_shared<down_log>();
    auto watcher = spawn_watcher(sys, downs_seen, opened->groups[0].lanes);
    caf::anon_send_exit(supervisor, caf::exit_reason::kill);
    CHECK(test::eventually([&] { return downs(*downs_seen) == 2; }, 5s));
    CHECK(test::eventually([&] {
      auto x = c.health(*j);
      return x && x->runs_active == 0;
    }));
    caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  }
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
}

// Not run by default (hidden tag): prints round-trip times of the node
// protocol on this machine. build/tests/cluster/test_cluster_lanes "[.measure]"
TEST_CASE("measure: join, a served lane's round trip, a health request", "[.measure]") {
  test::node_process node{{"--token", token, "--workers", "1"}};
  REQUIRE(node.wait_listening());
  test::client c;
  auto& sys = c.system();
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  auto micros_since = [](std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
      .count();
  };
  std::vector<double> joins;
  std::optional<joined_node> joined;
  for (int i = 0; i < 20; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto j = c.join(node.port(), token);
    joins.push_back(micros_since(t0));
    REQUIRE(j);
    joined = std::move(*j);
  }
  // An empty batch: the lane answers with a done_atom message holding no
  // replies; the stand-in supervisor counts them.
  auto dones = std::make_shared<std::atomic<int>>(0);
  auto counter = sys.spawn(
    [dones](troupe::detail::supervisor_actor::pointer) -> troupe::detail::supervisor_actor::behavior_type {
      return {[dones](troupe::detail::done_atom, troupe::detail::reply_batch&) { ++*dones; },
              [](troupe::detail::cancel_atom) {}, [](troupe::detail::watchdog_atom) {}};
    });
  auto counted = open_lanes(sys, joined->node, open_request{1, {"size"}, 10'000, counter}, 5s);
  REQUIRE(counted);
  caf::scoped_actor self{sys};
  std::vector<double> lane_rtt;
  for (int i = 0; i < 500; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    self->send(counted->groups[0].lanes[0], troupe::detail::run_atom::value,
               troupe::detail::task_batch{});
    while (dones->load() <= i)
      std::this_thread::yield();
    lane_rtt.push_back(micros_since(t0));
  }
  std::vector<double> health_rtt;
  for (int i = 0; i < 500; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(c.health(*joined));
    health_rtt.push_back(micros_since(t0));
  }
  WARN("join (hello + auth on a cached connection), median of 20: " << median(joins) << " us");
  WARN("empty batch through a served lane and back, median of 500: " << median(lane_rtt)
                                                                     << " us");
  WARN("health request from a scoped_actor, median of 500: " << median(health_rtt) << " us");
  caf::anon_send_exit(counter, caf::exit_reason::user_shutdown);
}
