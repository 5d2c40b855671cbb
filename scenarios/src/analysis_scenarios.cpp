#include "troupe/scenarios/analysis_scenarios.hpp"

#include <unistd.h>

#include "number_format.hpp"
#include "scenario_commands.hpp"

namespace troupe::scenarios {

namespace {

using detail::command;
using detail::fixed;
using detail::scratch;

/// A variant that is a whole `troupe run` whose report gives its figures.
variant_spec run_variant(std::string name, command run, command prepare,
                         std::function<metric_map(const std::string&)> figures,
                         std::string what) {
  variant_spec v{std::move(name), std::move(run), std::move(prepare), false, std::move(figures)};
  v.what = std::move(what);
  return v;
}

double metric(const variant_result& v, const std::string& name) {
  auto i = v.metrics.find(name);
  return i == v.metrics.end() ? 0 : i->second;
}

} // namespace

scenario_spec orchestration(const scenario_inputs& in) {
  scenario_spec s;
  s.name = "orchestration";
  s.summary = "the 23-agent DAG of an uncached run in parallel vs one after another (the "
              "claimed 4x); pyflakes and ruff as peers";
  s.description = "a whole uncached troupe run (" + std::to_string(in.workers)
                  + " worker slots) with the 23 agents' tasks scheduled in parallel vs the same "
                    "binary and slots with agents.parallel_execution: false (one task at a "
                    "time); peers on the same tree: pyflakes (Debian pyflakes3) and ruff's "
                    "WebAssembly build with its pyflakes rules (F), one thread";
  s.baseline = "one_after_another";
  s.candidate = "parallel";
  s.seed_claim = 4;
  s.also_against = {"pyflakes3", "ruff_wasm"};
  s.notes = {"The ceiling of parallel over one_after_another is the worker count; the "
             "schedule_* figures are the parallel run's makespan against its lower bound "
             "max(critical path, work / workers), from the same run.",
             "pyflakes exits 1 when it reports anything; that counts as a completed sample. "
             "It and ruff run one file after another on one thread; they check one of the 23 "
             "analyses (pyflakes' rules) and write no report. ruff's time includes compiling "
             "its 10 MB WebAssembly module at start.",
             "The peers take fewer samples (they are slow): their intervals are marked n<5."};
  auto profile = detail::one_after_another_profile(in);
  s.variants.push_back(run_variant(
    s.baseline,
    detail::troupe_run(in, in.corpus, "", "orchestration-sequential", {"--profile", profile}),
    {}, detail::report_of(in, "orchestration-sequential"),
    "a whole troupe run --no-cache process, agents.parallel_execution: false (one task at a "
    "time on the same worker slots)"));
  if (::access(profile.c_str(), R_OK) != 0)
    s.variants.back().unavailable = "the profile " + profile + " is not installed";
  s.variants.push_back(run_variant(
    s.candidate, detail::troupe_run(in, in.corpus, "", "orchestration-parallel"), {},
    detail::report_of(in, "orchestration-parallel"),
    "a whole troupe run --no-cache process, tasks dispatched in parallel by upward rank"));
  // The peers take 6-10 s a sample even on a quick run's corpus sample
  // (interpreter start-up, ruff compiling its WebAssembly module): a quick
  // run leaves them out and says so.
  const char* not_quick = "left out of --quick runs (6-10 s a sample); run without --quick";
  // pyflakes takes 50-90 s a sample on the standard library here: two
  // samples keep the full suite within its 20 minutes (marked n<5).
  int peer_samples = 3;
  variant_spec pyflakes{"pyflakes3", {"/usr/bin/python3", "-m", "pyflakes", in.corpus}, {}};
  pyflakes.accepted_exit_codes = {0, 1};
  pyflakes.what = "python3 -m pyflakes on the tree (one process, one thread)";
  pyflakes.max_samples = 2;
  pyflakes.warm_up = false;
  pyflakes.probe = [] {
    return detail::probe_command({"/usr/bin/python3", "-c", "import pyflakes"},
                                 "pyflakes is not installed (Debian package pyflakes3)");
  };
  if (in.quick)
    pyflakes.unavailable = not_quick;
  s.variants.push_back(std::move(pyflakes));
  auto node = detail::find_on_path("node");
  auto package = in.peers_dir + "/ruff-wasm-nodejs";
  variant_spec ruff{"ruff_wasm",
                    {node, helper_program(in, "bench/ruff_check.js"), package, in.corpus},
                    {},
                    false,
                    detail::printed_figures};
  ruff.what = "node running ruff's WebAssembly build (@astral-sh/ruff-wasm-nodejs) with its "
              "pyflakes rules (F) over the tree's UTF-8 files, one after another";
  ruff.max_samples = peer_samples;
  ruff.warm_up = false;
  if (in.quick)
    ruff.unavailable = not_quick;
  else if (node.empty())
    ruff.unavailable = "node is not installed (Debian package nodejs)";
  else if (::access((package + "/ruff_wasm.js").c_str(), R_OK) != 0)
    ruff.unavailable = "ruff's WebAssembly build is not installed in " + package
                       + " (scripts/bench-setup installs it)";
  s.variants.push_back(std::move(ruff));
  return s;
}

scenario_spec efficiency(const scenario_inputs& in) {
  scenario_spec s;
  s.name = "efficiency";
  s.summary = "parallel efficiency at 2, 4 and 8 workers, simulated with the supervisor's "
              "rules from a real run's task durations (labelled simulated)";
  s.description =
    "an uncached analysis of the corpus on 1 worker (in one process, report.json written, "
    "no code generation) gives every task's measured duration; the supervisor's own dispatch "
    "rules (upward rank, least occupied slot, single-lane tasks on idle slots, holding back, "
    "batches) then replay that task graph on 1, 2, 4 and 8 virtual workers. Efficiency(W) = "
    "makespan(1) / (W x makespan(W)). A real run on " + std::to_string(in.workers)
    + " workers checks the simulation. Simulated figures are labelled as such.";
  s.candidate = "simulated_schedule";
  s.notes = {"The simulation leaves out what would slow more workers down: message costs "
             "(microseconds against tasks of milliseconds), memory bandwidth and caches "
             "shared between cores, and the corpus stage's lane sharing the scheduler's "
             "threads. Its figures are the scheduler's ceiling for these tasks, not a "
             "measurement on 4 or 8 cores.",
             "sim_error_measured and sim_error_wN are (simulated - measured) / measured for "
             "the measured run itself and for the real run on N workers."};
  command cmd{helper_program(in, "troupe_schedule_bench"), "--corpus", in.corpus, "--out",
              scratch(in, "efficiency"), "--measure-workers", "1", "--check-workers",
              std::to_string(in.workers > 1 ? in.workers : 0)};
  variant_spec v{s.candidate, cmd, {}, true, detail::printed_figures};
  // Each sample is two whole analyses (25-30 s here); the suite's earlier
  // scenarios have read the corpus many times: no warm-up run (the figures
  // are ratios within one sample's process).
  v.warm_up = false;
  v.what = "one measured uncached analysis on 1 worker (the sample: its makespan), replayed "
           "on 1, 2, 4 and 8 virtual workers, and a real run on " + std::to_string(in.workers)
           + " workers beside the simulated one";
  s.variants.push_back(std::move(v));
  unsigned check = in.workers;
  s.summarise = [check](const scenario_result& r) {
    const auto& v = r.variants.front();
    std::string out = "simulated efficiency";
    for (int w : {2, 4, 8})
      out += (w == 2 ? " " : ", ") + std::to_string(w) + " workers "
             + detail::percent(metric(v, "sim_efficiency_w" + std::to_string(w)));
    out += " (speedup at 8: " + fixed(metric(v, "sim_speedup_w8")) + "x)";
    if (check > 1) {
      auto w = std::to_string(check);
      out += "; measured on " + w + " real workers: speedup "
             + fixed(metric(v, "measured_speedup_w" + w)) + "x, the simulation "
             + (metric(v, "sim_error_w" + w) >= 0 ? "+" : "")
             + detail::percent(metric(v, "sim_error_w" + w)) + " off that run's makespan";
    }
    return out + " (medians of " + std::to_string(v.samples_s.size()) + " samples)";
  };
  return s;
}

scenario_spec overall(const scenario_inputs& in) {
  auto edit = helper_program(in, "troupe_corpus_edit");
  auto copy = scratch(in, "overall-corpus");
  auto warm_cache = scratch(in, "overall-warm-cache");
  scenario_spec s;
  s.name = "overall";
  s.summary = "the naive way (1 worker, one task at a time, no cache) vs troupe's everyday "
              "run after 10% of the files changed (the claimed 5-8x; peak RSS: the claimed "
              "48% less memory)";
  s.description = "on a copy of the corpus: the naive run (troupe run --no-cache, 1 worker, "
                  "agents.parallel_execution: false) vs troupe's everyday run (cache on, "
                  + std::to_string(in.workers)
                  + " workers, a tenth of the files changed since the run that filled the "
                    "cache). Peak RSS of each sample gives the memory figure: 1 - "
                    "RSS(candidate) / RSS(naive).";
  s.baseline = "naive";
  s.candidate = "changed_10pct";
  s.seed_claim = 5;
  s.notes = {"The everyday run against a cold one (empty cache folder) is what incremental "
             "and hit_rate_90 measure.",
             "The original report claimed 5-8x overall and 48% less memory than a naive "
             "implementation without saying what either compared; here the naive variant "
             "is troupe itself with its parallelism and cache switched off."};
  auto profile = detail::one_after_another_profile(in);
  command copy_step{edit, "--source", in.corpus, "--copy", copy};
  auto naive = detail::troupe_run(in, copy, "", "overall-naive", {"--profile", profile});
  naive[4] = "1"; // --workers
  s.variants.push_back(run_variant(s.baseline, naive, copy_step,
                                   detail::report_of(in, "overall-naive"),
                                   "a whole troupe run --no-cache process of the copy, 1 "
                                   "worker, agents one after another"));
  command changed{edit, "--source", in.corpus, "--copy", copy, "--change-every", "10",
                  "--fill-if-empty", warm_cache, "--"};
  auto fill = detail::troupe_run(in, copy, warm_cache, "overall-fill");
  changed.insert(changed.end(), fill.begin(), fill.end());
  s.variants.push_back(run_variant(s.candidate,
                                   detail::troupe_run(in, copy, warm_cache, "overall-changed"),
                                   changed, detail::report_of(in, "overall-changed"),
                                   "a whole troupe run process of the copy after a tenth of "
                                   "its files changed; the cache holds the previous version"));
  if (::access(profile.c_str(), R_OK) != 0)
    s.variants.front().unavailable = "the profile " + profile + " is not installed";
  return s;
}

scenario_spec codegen(const scenario_inputs& in) {
  auto mode = [&](const char* m) {
    return command{helper_program(in, "troupe_codegen_bench"),
                   "--mode",
                   m,
                   "--corpus",
                   in.corpus,
                   "--cache-dir",
                   scratch(in, "codegen-cache"),
                   "--reps",
                   in.quick ? "3" : "5"};
  };
  scenario_spec s;
  s.name = "codegen";
  s.summary = "codegen_tests and codegen_docs rendering the API surface: templates compiled "
              "once vs parsed for every file (the claimed 3x)";
  s.description = "the two code generation agents rendering a pytest skeleton and a Markdown "
                  "page for every module of the corpus's API surface, in memory (nothing "
                  "written): mustache templates compiled once per run vs parsed again for "
                  "every file; a sample is the median of the process's repetitions, the "
                  "analysis that gives the API surface excluded";
  s.baseline = "parsed_per_render";
  s.candidate = "compiled_once";
  s.seed_claim = 3;
  s.variants.push_back({s.baseline, mode("per_render"), {}, true, detail::printed_figures});
  s.variants.back().what = "both codegen agents, each template parsed again for every file "
                           "rendered";
  s.variants.push_back({s.candidate, mode("compiled"), {}, true, detail::printed_figures});
  s.variants.back().what = "both codegen agents, each template compiled once per run (what "
                           "troupe run does)";
  return s;
}

} // namespace troupe::scenarios
