// A run whose group-1 tasks also go to another runtime's lanes over real
// BASP on 127.0.0.1 (two actor systems in this process, connected through
// the middleman): files travel with the tasks, records come back as bytes,
// the report equals a run on one node, and a node lost mid-run has its
// tasks resent to the others.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/null_sink.h>

#include "troupe/analysis/analysis.hpp"
#include "troupe/analysis/builtin_agents.hpp"
#include "troupe/reports/reports.hpp"
#include "troupe/runtime/caf_interop.hpp"
#include "troupe/runtime/internal/lanes.hpp"
#include "troupe/runtime/internal/remote_node.hpp"
#include "troupe/runtime/internal/system_setup.hpp"

using namespace troupe;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using open_atom = caf::atom_constant<caf::atom("open")>;
using close_atom = caf::atom_constant<caf::atom("close")>;
using lane_groups = std::vector<std::vector<detail::agent_actor>>;
using agent_groups = std::vector<std::vector<std::string>>;
/// The test's stand-in for a node actor: opens lanes for a run.
using test_node_actor =
  caf::typed_actor<caf::replies_to<open_atom, std::uint64_t, agent_groups>::with<lane_groups>,
                   caf::reacts_to<close_atom, std::uint64_t>>;

struct test_setup : detail::system_setup {
  void configure(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<agent_groups>("test.agent_groups");
    cfg.add_message_type<lane_groups>("test.lane_groups");
  }
};

runtime_options networked(std::uint32_t workers) {
  runtime_options opts;
  opts.workers = workers;
  opts.log_sink = std::make_shared<spdlog::sinks::null_sink_mt>();
  opts.network.enabled = true;
  opts.setup.push_back(std::make_shared<test_setup>());
  return opts;
}

/// A node: its own registry, lanes without locals (contents come with the
/// tasks), published on a free port of 127.0.0.1.
struct test_node {
  explicit test_node(std::uint32_t workers) : rt{networked(workers)} {
    auto& sys = runtime_access::system(rt);
    auto env = std::make_shared<detail::lane_env>();
    env->locals = detail::make_serving_locals(registry);
    auto* reg = &registry;
    auto opened = std::make_shared<std::vector<detail::agent_actor>>();
    actor = sys.spawn([env, reg, workers, opened](test_node_actor::pointer self)
                        -> test_node_actor::behavior_type {
      self->attach_functor([opened] {
        for (auto& lane : *opened)
          caf::anon_send_exit(lane, caf::exit_reason::user_shutdown);
      });
      return {
        [=](open_atom, std::uint64_t, const agent_groups& groups) {
          lane_groups out;
          for (const auto& g : groups) {
            auto& lanes = out.emplace_back();
            const auto* def = reg->find(g.front());
            if (!def)
              continue;
            for (std::uint32_t i = 0; i < workers; ++i) {
              lanes.push_back(detail::spawn_lane(self->system(), *def->executor, env));
              opened->push_back(lanes.back());
            }
          }
          return out;
        },
        [=](close_atom, std::uint64_t) {
          for (auto& lane : *opened)
            self->send_exit(lane, caf::exit_reason::user_shutdown);
          opened->clear();
        },
      };
    });
    auto bound = sys.middleman().publish(actor, 0, "127.0.0.1");
    REQUIRE(bound);
    port = *bound;
  }
  ~test_node() {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  }
  agent_registry registry = builtin_agents();
  runtime rt;
  test_node_actor actor;
  std::uint16_t port = 0;
};

/// The origin's view of a test node.
class test_remote final : public detail::remote_node {
public:
  test_remote(caf::actor_system& sys, std::uint16_t port, std::uint32_t workers)
    : sys_(sys), name_("127.0.0.1:" + std::to_string(port)), workers_(workers) {
    auto found = sys.middleman().remote_actor<test_node_actor>("127.0.0.1", port);
    REQUIRE(found);
    node_ = *found;
  }
  const std::string& name() const noexcept override {
    return name_;
  }
  std::uint32_t workers() const noexcept override {
    return workers_;
  }
  caf::actor handle() const override {
    return caf::actor_cast<caf::actor>(node_);
  }
  expected<lane_groups> open_lanes(std::uint64_t run, const agent_groups& groups,
                                   const detail::supervisor_actor&) override {
    expected<lane_groups> out{error{errc::peer_unreachable, "no answer"}};
    caf::scoped_actor self{sys_};
    self->request(node_, 5s, open_atom::value, run, groups)
      .receive([&](lane_groups& lanes) { out = std::move(lanes); },
               [&](caf::error& err) { out = error{errc::peer_unreachable, caf::to_string(err)}; });
    return out;
  }
  void close_lanes(std::uint64_t run) override {
    caf::anon_send(node_, close_atom::value, run);
  }

private:
  caf::actor_system& sys_;
  std::string name_;
  std::uint32_t workers_;
  test_node_actor node_;
};

struct tree {
  fs::path dir;
  explicit tree(int files) {
    char tmpl[] = "/tmp/troupe-remote-XXXXXX";
    dir = ::mkdtemp(tmpl);
    fs::create_directories(dir / "src" / "pkg");
    std::ofstream{dir / "src" / "pkg" / "__init__.py"} << "from .m0 import f0\n";
    for (int i = 0; i < files; ++i)
      std::ofstream{dir / "src" / "pkg" / ("m" + std::to_string(i) + ".py")}
        << "import os\n\n\ndef f" << i << "(x):\n    \"\"\"Doc.\"\"\"\n    if x:\n"
        << "        return os.path.join('a', str(x))\n    return None\n\n\nclass C" << i
        << ":\n    def m(self, y: int) -> int:\n        return y * " << i << "\n";
  }
  ~tree() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

/// report.json without what differs from run to run (timings, nodes).
nlohmann::json content_of(runtime& rt, analysis_options ao, analysis_result& r) {
  std::string text;
  ao.report = [&](analysis_result& so_far) -> error {
    std::ostringstream out;
    write_report_json(out, so_far, ao);
    text = out.str();
    return {};
  };
  REQUIRE_FALSE(run_analysis(rt, ao, r));
  auto doc = nlohmann::json::parse(text);
  doc.erase("run");
  doc.erase("agents");
  doc.erase("generated_at"); // the clock's second, which two runs may straddle
  return doc;
}

analysis_options options_for(const tree& t) {
  analysis_options ao;
  ao.root = (t.dir / "src").string();
  ao.shard_bytes = 1; // a task per file
  ao.corpus_context.out_dir = (t.dir / "out").string();
  return ao;
}

} // namespace

TEST_CASE("group-1 tasks run on another node's lanes and the report equals one node's",
          "[runtime][nodes]") {
  tree t{12};
  runtime local{networked(1)};
  analysis_result alone;
  auto expected_doc = content_of(local, options_for(t), alone);
  REQUIRE(alone.graph.ok());

  test_node node{2};
  auto ao = options_for(t);
  ao.nodes.push_back(
    std::make_shared<test_remote>(runtime_access::system(local), node.port, 2));
  analysis_result r;
  auto doc = content_of(local, ao, r);
  CHECK(r.graph.ok());
  CHECK(doc == expected_doc);
  REQUIRE(r.graph.nodes.size() == 2);
  CHECK(r.graph.nodes[0].name == "local");
  const auto& remote = r.graph.nodes[1];
  CHECK(remote.workers == 2);
  CHECK(remote.tasks > 0);
  CHECK(remote.bytes_sent > 0);
  CHECK(remote.bytes_received > 0);
  CHECK_FALSE(remote.lost);
  CHECK(r.graph.workers == 3);
}

TEST_CASE("a node lost mid-run has its tasks resent and the report is unchanged",
          "[runtime][nodes]") {
  tree t{20};
  runtime local{networked(1)};
  analysis_result alone;
  auto expected_doc = content_of(local, options_for(t), alone);

  auto node = std::make_unique<test_node>(2);
  auto ao = options_for(t);
  ao.nodes.push_back(
    std::make_shared<test_remote>(runtime_access::system(local), node->port, 2));
  // The node dies as soon as it has taken work: its actor system goes down
  // (connection closed) while attempts are in flight there.
  std::atomic<bool> killed{false};
  ao.before_run = [&](const task_graph&, graph_run_options& ro) {
    ro.on_task_finished = [&](std::size_t, const task_outcome& o) {
      if (o.node == 1 && !killed.exchange(true))
        std::thread{[&] { node.reset(); }}.detach();
    };
  };
  analysis_result r;
  auto t0 = std::chrono::steady_clock::now();
  auto doc = content_of(local, ao, r);
  CHECK(std::chrono::steady_clock::now() - t0 < 20s);
  CHECK(doc == expected_doc);
  REQUIRE(r.graph.nodes.size() == 2);
  const auto& lost = r.graph.nodes[1];
  UNSCOPED_INFO("node tasks " << lost.tasks << ", lost " << lost.lost << " at " << lost.lost_at_s
                              << " s, resent at " << lost.redispatched_at_s << " s");
  CHECK(lost.lost);
  CHECK(lost.lost_at_s >= 0);
  CHECK(lost.error.code() == errc::peer_unreachable);
  CHECK(lost.tasks < 20);
  for (const auto& task : r.graph.tasks)
    CHECK(task.status == task_status::done);
  while (node) // the detached thread's reset
    std::this_thread::sleep_for(10ms);
}
