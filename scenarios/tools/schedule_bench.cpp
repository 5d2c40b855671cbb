// troupe_schedule_bench: parallel efficiency at worker counts this machine
// does not have, from a simulation driven by a real run's measured task
// durations (the `efficiency` scenario).
//
//   troupe_schedule_bench --corpus DIR --out DIR [--measure-workers 1]
//                         [--check-workers 2] [--simulate 1,2,4,8]
//
// 1. Runs the analysis of the corpus in this process (uncached, writing
//    report.json to OUT as `troupe run` does) on --measure-workers workers
//    and keeps its task graph and every task's measured duration.
// 2. Replays that graph with the supervisor's own dispatch rules on 1, 2,
//    4 and 8 virtual workers (troupe/scenarios/schedule_sim.hpp) and prints
//    each makespan, speedup over 1 and efficiency (speedup / workers).
// 3. With --check-workers N (N > 0), runs the analysis again on N real
//    workers and prints its measured makespan beside the simulated one, so
//    that a reader sees how far the simulation is from a measurement.
// Every simulated figure is printed with a `sim_` prefix. The last line,
// `sample_s=X`, is the measured run's makespan.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tool_args.hpp"
#include "troupe/analysis/analysis.hpp"
#include "troupe/reports/reports.hpp"
#include "troupe/runtime/runtime.hpp"
#include "troupe/scenarios/schedule_sim.hpp"

namespace {

struct bench_args {
  std::string corpus;
  std::string out_dir;
  unsigned measure_workers = 1;
  unsigned check_workers = 2;
  std::vector<unsigned> simulate{1, 2, 4, 8};
};

const troupe::scenarios::tools::tool_args cli{
  "troupe_schedule_bench",
  "--corpus DIR --out DIR [--measure-workers N] [--check-workers N] [--simulate 1,2,4,8]"};

/// A worker count of at most 1024.
unsigned count_of(const std::string& key, const std::string& value, unsigned min) {
  auto n = cli.whole(key, value, min);
  if (n > 1024)
    cli.usage(key + " " + value + ": more than 1024 workers");
  return static_cast<unsigned>(n);
}

bench_args parse(int argc, char** argv) {
  bench_args a;
  cli.parse(argc, argv, nullptr, [&](const std::string& key, const std::string& value) {
    if (key == "--corpus") {
      a.corpus = value;
    } else if (key == "--out") {
      a.out_dir = value;
    } else if (key == "--measure-workers") {
      a.measure_workers = count_of(key, value, 1);
    } else if (key == "--check-workers") {
      a.check_workers = count_of(key, value, 0);
    } else if (key == "--simulate") {
      a.simulate.clear();
      std::istringstream list{value};
      for (std::string item; std::getline(list, item, ',');)
        a.simulate.push_back(count_of(key, item, 1));
    } else {
      return false;
    }
    return true;
  });
  if (a.corpus.empty() || a.out_dir.empty())
    cli.usage("--corpus and --out are required");
  return a;
}

/// One uncached analysis of the corpus on `workers` workers, writing
/// report.json to `out_dir` as its report task.
troupe::analysis_result analyse(const bench_args& a, unsigned workers,
                                troupe::analysis_options& ao) {
  troupe::runtime_options ro;
  ro.workers = workers;
  ro.log_level = "error";
  troupe::runtime rt{ro};
  ao.root = a.corpus;
  ao.corpus_context.generate_tests = false;
  ao.corpus_context.generate_docs = false;
  auto path = a.out_dir + "/report.json";
  ao.report = [&ao, path](troupe::analysis_result& so_far) -> troupe::error {
    std::ofstream out{path, std::ios::trunc};
    troupe::write_report_json(out, so_far, ao);
    if (!out.flush())
      return {troupe::errc::unreadable_input, "cannot write " + path};
    return {};
  };
  troupe::analysis_result res;
  if (auto err = troupe::run_analysis(rt, ao, res))
    cli.fail(err.message());
  for (std::size_t t = 0; t < res.graph.tasks.size(); ++t)
    if (res.graph.tasks[t].status != troupe::task_status::done)
      cli.fail("task " + res.plan.tasks()[t].name + " " + troupe::to_string(res.graph.tasks[t].status)
           + ": " + res.graph.tasks[t].error.message());
  return res;
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  std::error_code ec;
  std::filesystem::create_directories(a.out_dir, ec);
  if (ec)
    cli.fail("cannot create " + a.out_dir + ": " + ec.message());
  troupe::analysis_options ao;
  auto measured = analyse(a, a.measure_workers, ao);
  auto input = troupe::scenarios::schedule_input_of(ao.agents, measured.plan, measured.graph);
  troupe::scenarios::schedule_options so;
  std::printf("measured_workers=%u measured_makespan_s=%.6f tasks=%zu work_s=%.6f "
              "critical_path_s=%.6f\n",
              a.measure_workers, measured.schedule.makespan, measured.plan.size(),
              measured.schedule.busy_seconds, measured.schedule.critical_path);
  double one = 0;
  std::vector<double> makespans;
  for (auto w : a.simulate) {
    so.workers = w;
    auto sim = troupe::scenarios::simulate_schedule(input, so);
    makespans.push_back(sim.makespan);
    if (w == 1)
      one = sim.makespan;
  }
  if (one <= 0) {
    so.workers = 1;
    one = troupe::scenarios::simulate_schedule(input, so).makespan;
  }
  for (std::size_t i = 0; i < a.simulate.size(); ++i) {
    auto w = a.simulate[i];
    auto speedup = makespans[i] > 0 ? one / makespans[i] : 0;
    std::printf("sim_makespan_w%u_s=%.6f sim_speedup_w%u=%.4f sim_efficiency_w%u=%.4f\n", w,
                makespans[i], w, speedup, w, speedup / w);
  }
  {
    // The replay of the measured run itself: how far the model is from it.
    so.workers = a.measure_workers;
    auto sim = troupe::scenarios::simulate_schedule(input, so);
    std::printf("sim_error_measured=%.4f\n",
                measured.schedule.makespan > 0 ? sim.makespan / measured.schedule.makespan - 1
                                               : 0);
  }
  if (a.check_workers > 0) {
    troupe::analysis_options check_ao;
    auto check = analyse(a, a.check_workers, check_ao);
    so.workers = a.check_workers;
    auto sim = troupe::scenarios::simulate_schedule(input, so);
    auto real = check.schedule.makespan;
    std::printf("measured_makespan_w%u_s=%.6f sim_makespan_check_s=%.6f "
                "sim_error_w%u=%.4f measured_speedup_w%u=%.4f\n",
                a.check_workers, real, sim.makespan, a.check_workers,
                real > 0 ? sim.makespan / real - 1 : 0, a.check_workers,
                real > 0 ? measured.schedule.makespan / real : 0);
  }
  std::printf("sample_s=%.9f\n", measured.schedule.makespan);
  return 0;
}
