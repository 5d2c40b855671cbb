// troupe_dispatch_bench: the dispatch overhead of troupe's runtime against
// Intel TBB's flow_graph on the same DAG of empty tasks.
//
//   troupe_dispatch_bench --engine troupe|tbb [--tasks 10000] [--width 100]
//                         [--fan-in 3] [--workers 2] [--queue-size N] [--reps 5]
//                         [--warmups 1] [--progress live|lines]
//
// Both engines get the graph built and their threads started before the
// clock starts, and both are timed from "sources released" to "every task
// finished": what is timed is dispatching, not process or pool start-up.
// Prints one line per timed repetition and, last, `sample_s=X`: the median
// repetition in seconds, which `troupe bench` reads as its sample.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <tbb/flow_graph.h>
#include <tbb/global_control.h>

#include <fcntl.h>
#include <unistd.h>

#include "troupe/runtime/progress_reporter.hpp"
#include "troupe/runtime/runtime.hpp"
#include "troupe/scenarios/layered_dag.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using dag = std::vector<std::vector<std::size_t>>;

struct bench_args {
  std::string engine = "troupe";
  std::size_t tasks = 10000;
  std::size_t width = 100;
  std::size_t fan_in = 3;
  unsigned workers = 2;
  /// Tasks in flight per troupe worker; 0 keeps the runtime's default.
  unsigned queue_size = 0;
  /// Feed a progress reporter (drawing to /dev/null) from the run, to show
  /// what progress costs: "live", "lines" or "" for none.
  std::string progress;
  int reps = 5;
  int warmups = 1;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "troupe_dispatch_bench: %s\nusage: troupe_dispatch_bench --engine troupe|tbb "
               "[--tasks N] [--width N] [--fan-in N] [--workers N] [--queue-size N] [--reps N] "
               "[--warmups N] [--progress live|lines]\n",
               why);
  std::exit(2);
}

bench_args parse(int argc, char** argv) {
  bench_args a;
  for (int i = 1; i < argc; ++i) {
    std::string key = argv[i];
    if (i + 1 >= argc)
      usage(("missing value for " + key).c_str());
    std::string value = argv[++i];
    auto number = [&] {
      char* end = nullptr;
      auto n = std::strtoull(value.c_str(), &end, 10);
      if (!end || *end != '\0' || n == 0)
        usage(("not a positive number: " + key + " " + value).c_str());
      return n;
    };
    if (key == "--engine")
      a.engine = value;
    else if (key == "--tasks")
      a.tasks = number();
    else if (key == "--width")
      a.width = number();
    else if (key == "--fan-in")
      a.fan_in = number();
    else if (key == "--workers")
      a.workers = static_cast<unsigned>(number());
    else if (key == "--queue-size")
      a.queue_size = static_cast<unsigned>(number());
    else if (key == "--progress")
      a.progress = value;
    else if (key == "--reps")
      a.reps = static_cast<int>(number());
    else if (key == "--warmups")
      a.warmups = value == "0" ? 0 : static_cast<int>(number());
    else
      usage(("unknown option " + key).c_str());
  }
  if (!a.progress.empty() && a.progress != "live" && a.progress != "lines")
    usage("--progress must be live or lines");
  if (a.engine != "troupe" && a.engine != "tbb")
    usage("engine must be troupe or tbb");
  if (a.tasks % a.width != 0)
    usage("--tasks must be a multiple of --width");
  return a;
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// Runs the DAG `reps + warmups` times on troupe's runtime; returns the timed runs.
std::vector<double> run_troupe(const bench_args& a, const dag& deps) {
  troupe::runtime_options opts;
  opts.workers = a.workers;
  if (a.queue_size > 0)
    opts.queue_size = a.queue_size;
  troupe::runtime rt{opts};
  // An agent that does nothing: every task is one message to its lane and
  // one answer back.
  troupe::agent_registry agents;
  if (auto err = agents.add({"empty", 1, troupe::agent_scope::per_item, {}, "does nothing"},
                            [](const troupe::agent_input&) -> troupe::expected<std::string> {
                              return std::string{};
                            })) {
    std::fprintf(stderr, "troupe_dispatch_bench: %s\n", err.message().c_str());
    std::exit(1);
  }
  troupe::task_graph g;
  for (std::size_t i = 0; i < deps.size(); ++i)
    g.add({"t" + std::to_string(i), {"empty"}, 0.001, deps[i]});
  troupe::graph_run_options ro;
  int sink = open("/dev/null", O_WRONLY);
  troupe::progress_options po;
  po.mode = a.progress == "live" ? troupe::progress_mode::live : troupe::progress_mode::lines;
  po.fd = sink;
  po.line_interval = po.live_interval; // draw as often as a live bar
  std::vector<double> out;
  for (int r = 0; r < a.warmups + a.reps; ++r) {
    troupe::progress_reporter progress{po};
    if (!a.progress.empty()) {
      progress.start(g);
      ro.on_task_finished = [&progress](std::size_t t, const troupe::task_outcome& o) {
        progress.task_finished(t, o);
      };
    }
    auto t0 = clock_type::now();
    auto res = rt.run(agents, g, ro);
    auto s = seconds_since(t0);
    if (!res.ok()) {
      std::fprintf(stderr, "troupe_dispatch_bench: troupe run failed\n");
      std::exit(1);
    }
    if (r >= a.warmups)
      out.push_back(s);
  }
  close(sink);
  return out;
}

/// Runs the same DAG as a TBB flow graph of continue_nodes.
std::vector<double> run_tbb(const bench_args& a, const dag& deps) {
  namespace flow = tbb::flow;
  tbb::global_control limit{tbb::global_control::max_allowed_parallelism, a.workers};
  flow::graph g;
  std::vector<std::unique_ptr<flow::continue_node<flow::continue_msg>>> nodes;
  nodes.reserve(deps.size());
  for (std::size_t i = 0; i < deps.size(); ++i)
    nodes.push_back(std::make_unique<flow::continue_node<flow::continue_msg>>(
      g, [](const flow::continue_msg&) {}));
  std::vector<std::size_t> sources;
  for (std::size_t i = 0; i < deps.size(); ++i) {
    for (auto d : deps[i])
      flow::make_edge(*nodes[d], *nodes[i]);
    if (deps[i].empty())
      sources.push_back(i);
  }
  std::vector<double> out;
  for (int r = 0; r < a.warmups + a.reps; ++r) {
    auto t0 = clock_type::now();
    for (auto s : sources)
      nodes[s]->try_put(flow::continue_msg{});
    g.wait_for_all();
    auto s = seconds_since(t0);
    if (r >= a.warmups)
      out.push_back(s);
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  auto deps = troupe::scenarios::layered_dag(a.tasks / a.width, a.width, a.fan_in);
  std::size_t edges = 0;
  for (auto& d : deps)
    edges += d.size();
  auto runs = a.engine == "troupe" ? run_troupe(a, deps) : run_tbb(a, deps);
  for (auto s : runs)
    std::printf("%s tasks=%zu edges=%zu workers=%u run_s=%.6f us_per_task=%.3f\n",
                a.engine.c_str(), a.tasks, edges, a.workers, s, s / a.tasks * 1e6);
  std::sort(runs.begin(), runs.end());
  auto n = runs.size();
  auto med = n % 2 ? runs[n / 2] : (runs[n / 2 - 1] + runs[n / 2]) / 2;
  std::printf("sample_s=%.9f\n", med);
  return 0;
}
