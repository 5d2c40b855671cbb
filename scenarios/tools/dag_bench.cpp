// troupe_dag_bench: the 23-agent DAG with task costs calibrated on a real
// run, executed by troupe's runtime, by Intel TBB's flow_graph, or one task
// after another on one thread (the `peers` scenario; Dask's threaded
// scheduler runs the same DAG in scenarios/scripts/dask_dag.py).
//
//   troupe_dag_bench --make-dag DAG.json --troupe BIN --corpus DIR --out DIR
//   troupe_dag_bench --engine troupe|tbb|sequential --dag DAG.json
//                    [--scale 0.1] [--workers 2] [--reps 3] [--warmups 1]
//
// --make-dag (once; nothing happens when DAG.json exists): runs
// `BIN run DIR --no-cache --workers 1 --out OUT` and writes DAG.json: one
// task per agent of report.json's agents table, its edges, and its cost in
// seconds: the agent's own seconds, plus, for each group-1 agent, an equal
// share of the work those agents share (reading, decoding, the parse: the
// run's busy seconds less every agent's own).
//
// An engine runs every task as CPU work of cost x scale seconds on the
// thread that runs it (busy until the thread's CPU clock advanced that
// much), so two tasks sharing a core take longer, as real ones would.
// Prints one line per timed repetition and `sample_s=X` (the median).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <tbb/flow_graph.h>
#include <tbb/global_control.h>

#include "troupe/runtime/graph_plan.hpp"
#include "troupe/runtime/runtime.hpp"
#include "tool_args.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using nlohmann::json;

struct dag_task {
  std::string id;
  std::vector<std::size_t> depends_on;
  double cost_s = 0;
};

struct bench_args {
  std::string make_dag;
  std::string troupe_binary;
  std::string corpus;
  std::string out_dir;
  std::string engine;
  std::string dag;
  double scale = 0.1;
  unsigned workers = 2;
  int reps = 3;
  int warmups = 1;
};

const troupe::scenarios::tools::tool_args cli{
  "troupe_dag_bench",
  "--make-dag DAG.json --troupe BIN --corpus DIR --out DIR\n"
  "       troupe_dag_bench --engine troupe|tbb|sequential --dag DAG.json [--scale X] "
  "[--workers N] [--reps N] [--warmups N]"};

bench_args parse(int argc, char** argv) {
  bench_args a;
  cli.parse(argc, argv, nullptr, [&](const std::string& key, const std::string& value) {
    if (key == "--make-dag")
      a.make_dag = value;
    else if (key == "--troupe")
      a.troupe_binary = value;
    else if (key == "--corpus")
      a.corpus = value;
    else if (key == "--out")
      a.out_dir = value;
    else if (key == "--engine")
      a.engine = value;
    else if (key == "--dag")
      a.dag = value;
    else if (key == "--scale")
      a.scale = cli.real(key, value, 1e-6);
    else if (key == "--workers")
      a.workers = static_cast<unsigned>(cli.whole(key, value, 1));
    else if (key == "--reps")
      a.reps = static_cast<int>(cli.whole(key, value, 1));
    else if (key == "--warmups")
      a.warmups = static_cast<int>(cli.whole(key, value, 0));
    else
      return false;
    return true;
  });
  if (a.make_dag.empty()) {
    if (a.engine != "troupe" && a.engine != "tbb" && a.engine != "sequential")
      cli.usage("--engine must be troupe, tbb or sequential");
    if (a.dag.empty())
      cli.usage("--dag is required");
  } else if (a.troupe_binary.empty() || a.corpus.empty() || a.out_dir.empty()) {
    cli.usage("--make-dag needs --troupe, --corpus and --out");
  }
  return a;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// CPU work of `seconds` on the calling thread.
void spin(double seconds) {
  auto until = thread_cpu_seconds() + seconds;
  volatile std::uint64_t x = 0;
  while (thread_cpu_seconds() < until)
    for (int i = 0; i < 256; ++i)
      x = x + static_cast<std::uint64_t>(i);
}

// ---- the DAG file --------------------------------------------------------------

std::vector<dag_task> read_dag(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    cli.fail("cannot read " + path);
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    cli.fail(path + ": " + e.what());
  }
  std::vector<dag_task> out;
  for (const auto& t : j.at("tasks")) {
    dag_task d;
    d.id = t.at("id").get<std::string>();
    d.cost_s = t.at("cost_s").get<double>();
    for (const auto& dep : t.at("depends_on")) {
      auto i = std::find_if(out.begin(), out.end(), [&](auto& x) { return x.id == dep; });
      if (i == out.end())
        cli.fail(path + ": " + d.id + " depends on " + dep.get<std::string>() + ", not listed before");
      d.depends_on.push_back(static_cast<std::size_t>(i - out.begin()));
    }
    out.push_back(std::move(d));
  }
  return out;
}

/// Bumped when the way costs are derived changes: an older file is made again.
constexpr int dag_format = 2;

int make_dag(const bench_args& a) {
  if (std::ifstream old{a.make_dag}) {
    auto j = json::parse(old, nullptr, false);
    if (!j.is_discarded() && j.value("format", 0) == dag_format)
      return 0;
  }
  pid_t pid = fork();
  if (pid == 0) {
    execl(a.troupe_binary.c_str(), a.troupe_binary.c_str(), "run", a.corpus.c_str(),
          "--no-cache", "--workers", "1", "--quiet", "--out", a.out_dir.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    cli.fail("the calibration run (" + a.troupe_binary + " run " + a.corpus + ") failed");
  std::ifstream in{a.out_dir + "/report.json"};
  // Only the run and agents sections are read: the files are dropped.
  json::parser_callback_t skip_files = [](int depth, json::parse_event_t event, json& parsed) {
    return !(depth == 1 && event == json::parse_event_t::key && parsed == "files");
  };
  auto report = json::parse(in, skip_files, false);
  if (report.is_discarded() || !report.contains("agents"))
    cli.fail("the calibration run wrote no readable report.json in " + a.out_dir);
  double own = 0;
  json tasks = json::array();
  for (const auto& agent : report["agents"]) {
    double s = agent.value("wall_seconds", 0.0);
    own += s;
    tasks.push_back({{"id", agent.value("id", "")},
                     {"depends_on", agent.value("depends_on", json::array())},
                     {"cost_s", s}});
  }
  double busy = report["run"]["schedule"].value("busy_s", 0.0);
  double shared = std::max(0.0, busy - own);
  std::size_t file_agents = 0;
  for (const auto& agent : report["agents"])
    file_agents += agent.value("group", 0) == 1;
  for (std::size_t i = 0; i < tasks.size(); ++i)
    if (report["agents"][i].value("group", 0) == 1)
      tasks[i]["cost_s"] = tasks[i]["cost_s"].get<double>() + shared / file_agents;
  json dag{{"format", dag_format},
           {"source", a.out_dir + "/report.json"},
           {"corpus", a.corpus},
           {"busy_s", busy},
           {"shared_group1_s", shared},
           {"tasks", tasks}};
  std::ofstream out{a.make_dag + ".tmp"};
  out << dag.dump(2) << '\n';
  if (!out.flush() || std::rename((a.make_dag + ".tmp").c_str(), a.make_dag.c_str()) != 0)
    cli.fail("cannot write " + a.make_dag);
  return 0;
}

// ---- engines ---------------------------------------------------------------------

double run_sequential(const std::vector<dag_task>& dag, double scale) {
  auto t0 = clock_type::now();
  for (const auto& t : dag) // listed in a topological order
    spin(t.cost_s * scale);
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

std::vector<double> run_troupe(const bench_args& a, const std::vector<dag_task>& dag) {
  troupe::runtime_options opts;
  opts.workers = a.workers;
  troupe::runtime rt{opts};
  troupe::agent_registry reg;
  for (const auto& t : dag) {
    troupe::agent_descriptor d{t.id, 1, troupe::agent_scope::corpus, {}, t.id};
    for (auto dep : t.depends_on)
      d.depends_on.push_back(dag[dep].id);
    double cost = t.cost_s * a.scale;
    if (auto err = reg.add(std::move(d), [cost](const troupe::agent_input&)
                                             -> troupe::expected<std::string> {
          spin(cost);
          return std::string{};
        }))
      cli.fail(err.message());
  }
  troupe::plan_options po;
  po.describe = [&](troupe::task_spec& task, std::size_t) {
    auto i = std::find_if(dag.begin(), dag.end(), [&](auto& x) { return x.id == task.agent(); });
    task.name = task.agent();
    task.cost = i->cost_s * a.scale;
  };
  auto graph = troupe::plan_graph(reg, 0, po);
  std::vector<double> out;
  for (int r = 0; r < a.warmups + a.reps; ++r) {
    auto t0 = clock_type::now();
    auto res = rt.run(reg, graph);
    auto s = std::chrono::duration<double>(clock_type::now() - t0).count();
    if (!res.ok())
      cli.fail("the troupe run had failed tasks");
    if (r >= a.warmups)
      out.push_back(s);
  }
  return out;
}

std::vector<double> run_tbb(const bench_args& a, const std::vector<dag_task>& dag) {
  namespace flow = tbb::flow;
  tbb::global_control limit{tbb::global_control::max_allowed_parallelism, a.workers};
  flow::graph g;
  std::vector<std::unique_ptr<flow::continue_node<flow::continue_msg>>> nodes;
  for (const auto& t : dag) {
    double cost = t.cost_s * a.scale;
    nodes.push_back(std::make_unique<flow::continue_node<flow::continue_msg>>(
      g, [cost](const flow::continue_msg&) { spin(cost); }));
  }
  std::vector<std::size_t> sources;
  for (std::size_t i = 0; i < dag.size(); ++i) {
    for (auto d : dag[i].depends_on)
      flow::make_edge(*nodes[d], *nodes[i]);
    if (dag[i].depends_on.empty())
      sources.push_back(i);
  }
  std::vector<double> out;
  for (int r = 0; r < a.warmups + a.reps; ++r) {
    auto t0 = clock_type::now();
    for (auto s : sources)
      nodes[s]->try_put(flow::continue_msg{});
    g.wait_for_all();
    auto s = std::chrono::duration<double>(clock_type::now() - t0).count();
    if (r >= a.warmups)
      out.push_back(s);
  }
  return out;
}

/// Sum of costs and the longest path, the bounds of any schedule.
std::pair<double, double> bounds(const std::vector<dag_task>& dag, double scale) {
  std::vector<double> finish(dag.size(), 0);
  double work = 0;
  double longest = 0;
  for (std::size_t i = 0; i < dag.size(); ++i) {
    double start = 0;
    for (auto d : dag[i].depends_on)
      start = std::max(start, finish[d]);
    finish[i] = start + dag[i].cost_s * scale;
    work += dag[i].cost_s * scale;
    longest = std::max(longest, finish[i]);
  }
  return {work, longest};
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  if (!a.make_dag.empty())
    return make_dag(a);
  auto dag = read_dag(a.dag);
  std::vector<double> runs;
  if (a.engine == "troupe") {
    runs = run_troupe(a, dag);
  } else if (a.engine == "tbb") {
    runs = run_tbb(a, dag);
  } else {
    for (int r = 0; r < a.warmups + a.reps; ++r) {
      auto s = run_sequential(dag, a.scale);
      if (r >= a.warmups)
        runs.push_back(s);
    }
  }
  auto [work, longest] = bounds(dag, a.scale);
  for (auto s : runs)
    std::printf("%s tasks=%zu run_s=%.6f\n", a.engine.c_str(), dag.size(), s);
  std::sort(runs.begin(), runs.end());
  auto n = runs.size();
  auto med = n % 2 ? runs[n / 2] : (runs[n / 2 - 1] + runs[n / 2]) / 2;
  std::printf("tasks=%zu work_s=%.6f critical_path_s=%.6f lower_bound_s=%.6f\n", dag.size(), work,
              longest, std::max(longest, work / a.workers));
  std::printf("sample_s=%.9f\n", med);
  return 0;
}
