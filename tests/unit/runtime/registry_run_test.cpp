// Runs of DAGs built from an agent registry: a host's own agents with
// per-item and aggregate scope, a lane that dies mid-task, and per-agent
// rows with each agent's own time in an analysis.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <thread>

#include <spdlog/sinks/null_sink.h>

#include "troupe/analysis/analysis.hpp"
#include "troupe/runtime/graph_plan.hpp"
#include "troupe/runtime/internal/agent_executor.hpp"
#include "troupe/runtime/runtime.hpp"

using namespace troupe;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

runtime_options quiet(std::uint32_t workers) {
  runtime_options opts;
  opts.workers = workers;
  opts.log_sink = std::make_shared<spdlog::sinks::null_sink_mt>();
  return opts;
}

std::string output_of(const graph_result& r, const std::string& agent, std::uint32_t item) {
  for (const auto& t : r.tasks)
    for (const auto& o : t.outputs)
      if (o.agent == agent && o.item == item && o.bytes)
        return *o.bytes;
  return "<none>";
}

/// Fails its first attempt by dying (out of memory), then answers "ok".
class dies_once final : public detail::agent_executor {
public:
  explicit dies_once(std::atomic<int>& calls) : calls_(calls) {
  }
  bool per_slot() const noexcept override {
    return true;
  }
  caf::error run(const detail::task_request& req, const detail::lane_context&,
                 detail::task_reply& reply) const override {
    ++calls_;
    if (req.attempt == 1)
      throw std::bad_alloc{};
    reply.agents.emplace_back().agent = req.agents.front();
    reply.outputs.push_back({req.agents.front(), 0xffffffffu,
                             {std::make_shared<const std::string>("ok")}, false});
    return {};
  }

private:
  std::atomic<int>& calls_;
};

} // namespace

TEST_CASE("a host's DAG is planned from its registry and runs as messages",
          "[runtime][registry]") {
  agent_registry reg;
  REQUIRE_FALSE(reg.add({"len", 1, agent_scope::per_item, {}, "length of the item"},
                        [](const agent_input& in) -> expected<std::string> {
                          return std::to_string(in.content.size());
                        }));
  REQUIRE_FALSE(reg.add({"twice", 1, agent_scope::per_item, {"len"}, "twice the length"},
                        [](const agent_input& in) -> expected<std::string> {
                          REQUIRE(in.upstream.size() == 1); // its own item's length only
                          CHECK(in.upstream[0].item == in.item);
                          return std::to_string(2 * std::stoi(std::string{in.upstream[0].bytes}));
                        }));
  REQUIRE_FALSE(reg.add({"sum", 1, agent_scope::aggregate, {"twice"}, "sum"},
                        [](const agent_input& in) -> expected<std::string> {
                          int sum = 0;
                          for (const auto& u : in.upstream)
                            sum += std::stoi(std::string{u.bytes});
                          return std::to_string(sum);
                        }));
  // Registry checks: unknown dependency, taken id.
  CHECK(reg.add({"x", 1, agent_scope::aggregate, {"nope"}, ""}, [](const agent_input&) {
          return expected<std::string>{std::string{}};
        }).code() == errc::invalid_graph);
  CHECK(reg.add({"sum", 1, agent_scope::aggregate, {}, ""}, [](const agent_input&) {
          return expected<std::string>{std::string{}};
        }).code() == errc::invalid_graph);

  std::vector<work_item> items{{"a", "x"}, {"b", "yyy"}, {"c", "zzzzz"}};
  auto graph = plan_graph(reg, items.size());
  REQUIRE(graph.size() == 7); // len and twice per item, one sum
  // twice of an item waits for len of the same item only.
  for (std::size_t t = 0; t < graph.size(); ++t)
    if (graph.tasks()[t].agent() == "twice") {
      REQUIRE(graph.tasks()[t].depends_on.size() == 1);
      CHECK(graph.tasks()[graph.tasks()[t].depends_on[0]].items == graph.tasks()[t].items);
    }
  runtime rt{quiet(2)};
  auto r = rt.run(reg, graph, items);
  REQUIRE(r.ok());
  CHECK(output_of(r, "len", 1) == "3");
  CHECK(output_of(r, "twice", 2) == "10");
  CHECK(output_of(r, "sum", task_output::no_item) == "18");
  auto rows = summarise_agents(reg, graph, r);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].agent == "len");
  CHECK(rows[0].tasks == 3);
  CHECK(rows[0].items == 3);
  CHECK(rows[2].tasks == 1);
  for (const auto& row : rows)
    CHECK(row.status == task_status::done);
}

TEST_CASE("a lane that dies mid-task is replaced and its task retried at once",
          "[runtime][registry]") {
  std::atomic<int> calls{0};
  agent_registry reg;
  REQUIRE_FALSE(reg.add(agent_definition{{"fragile", 1, agent_scope::per_item, {}, "dies once"},
                                         std::make_shared<dies_once>(calls),
                                         nullptr}));
  REQUIRE_FALSE(reg.add({"after", 1, agent_scope::aggregate, {"fragile"}, "reads it"},
                        [](const agent_input& in) -> expected<std::string> {
                          return std::string{in.upstream.at(0).bytes};
                        }));
  task_graph g;
  auto a = g.add({"fragile", {"fragile"}, 0.001, {}});
  g.add({"after", {"after"}, 0.001, {a}});
  runtime rt{quiet(1)};
  graph_run_options ro;
  ro.max_retries = 2;
  ro.task_timeout = 60s; // the watchdog would wait minutes; the monitor does not
  auto t0 = std::chrono::steady_clock::now();
  auto r = rt.run(reg, g, ro);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  REQUIRE(r.ok());
  CHECK(r.tasks[0].attempts == 2);
  CHECK(calls == 2);
  CHECK(output_of(r, "after", task_output::no_item) == "ok");
}

namespace {

/// A file agent that sleeps per file: its row must show its own time.
class slow_agent final : public actors::file_agent {
public:
  const actors::agent_descriptor& descriptor() const noexcept override {
    static const actors::agent_descriptor d{"slow", 1, actors::agent_scope::per_item, {},
                                            "sleeps 30 ms per file"};
    return d;
  }
  std::string analyse(const actors::syntax_tree&, std::string_view) const override {
    std::this_thread::sleep_for(30ms);
    return "x";
  }
  bool write_json(std::string_view, actors::json_writer&) const override {
    return true;
  }
};

} // namespace

TEST_CASE("each agent's row shows its own time, not its tasks'", "[runtime][analysis]") {
  char tmpl[] = "/tmp/troupe-rows-XXXXXX";
  fs::path dir = ::mkdtemp(tmpl);
  for (int i = 0; i < 4; ++i)
    std::ofstream{dir / ("m" + std::to_string(i) + ".py")} << "def f(x):\n    return x\n";
  runtime rt{quiet(2)};
  analysis_options ao;
  ao.root = dir.string();
  ao.shard_bytes = 1; // a task per file
  REQUIRE_FALSE(add_file_agent(ao.agents, std::make_shared<slow_agent>()));
  ao.corpus_context.out_dir = (dir / "out").string();
  analysis_result r;
  REQUIRE_FALSE(run_analysis(rt, ao, r));
  auto rows = summarise_agents(r, ao);
  double slow = -1, size = -1, symbols = -1;
  for (const auto& row : rows) {
    INFO(row.agent << " " << row.seconds);
    if (row.agent == "slow")
      slow = row.seconds;
    if (row.agent == "size")
      size = row.seconds;
    if (row.agent == "symbols")
      symbols = row.seconds;
    if (row.agent == "slow" || row.agent == "size") {
      CHECK(row.tasks == 4);
      CHECK(row.items == 4);
      CHECK(row.status == task_status::done);
    }
  }
  CHECK(slow >= 4 * 0.030);
  CHECK(slow < 4 * 0.030 + 0.1);
  CHECK(size >= 0);
  CHECK(size < slow / 10);
  CHECK(symbols < slow / 10);
  fs::remove_all(dir);
}
