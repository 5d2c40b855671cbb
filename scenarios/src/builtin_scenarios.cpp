#include "troupe/scenarios/builtin_scenarios.hpp"

#include <filesystem>

#include "run_metrics.hpp"
#include "troupe/scenarios/cache_scenarios.hpp"

namespace troupe::scenarios {

namespace {

std::vector<std::string> troupe_run(const scenario_inputs& in, const std::string& tag,
                                    unsigned workers) {
  // Uncached: with the default cache folder every run after the first would
  // time cache hits, not parsing.
  return {in.troupe_binary, "run",  in.corpus,  "--workers", std::to_string(workers),
          "--quiet",        "--out", in.scratch_dir + "/" + tag, "--no-cache"};
}

/// The original report claimed 7.5x for multi-file analysis; on a machine
/// with W cores the ceiling is W, so this scenario shows how close the
/// worker pool gets to linear scaling.
scenario_spec multi_file(const scenario_inputs& in) {
  scenario_spec s;
  s.name = "multi_file";
  s.description = "parse and extract every file of the corpus: 1 worker vs "
                  + std::to_string(in.workers) + " workers (whole troupe run process)";
  s.baseline = "workers=1";
  s.candidate = "workers=" + std::to_string(in.workers);
  s.seed_claim = 7.5;
  s.required = in.workers >= 2 ? 1.85 : 0;
  s.variants.push_back({s.baseline, troupe_run(in, "multi_file_w1", 1), {}});
  s.variants.push_back({s.candidate, troupe_run(in, "multi_file_wn", in.workers), {}});
  return s;
}

/// Dispatch overhead: 10,000 empty tasks in 100 layers of 100 (3 edges
/// into each task), through troupe's runtime and through TBB's flow_graph.
/// A whole process would mostly time start-up (CAF's actor system, TBB's
/// pool), so each sample is the time troupe_dispatch_bench measures inside
/// its process from releasing the sources to the last task's end, graph
/// built and threads started beforehand, alike for both engines (median of
/// 5 runs after 1 warm-up).
scenario_spec actor_micro(const scenario_inputs& in) {
  constexpr std::size_t tasks = 10000;
  auto tool = helper_program(in, "troupe_dispatch_bench");
  auto engine = [&](const std::string& name) {
    return std::vector<std::string>{tool,      "--engine", name, "--tasks", std::to_string(tasks),
                                    "--workers", "2",      "--reps", "5"};
  };
  scenario_spec s;
  s.name = "actor_micro";
  s.description = "dispatch overhead: a 10,000-task DAG of empty tasks (100 layers x 100, "
                  "3 edges in), 2 workers, troupe's supervisor and worker actors vs TBB "
                  "flow_graph; a sample is the in-process time from releasing the sources "
                  "to the last task (graph built and threads started beforehand for both; "
                  "process start-up excluded); speedup below 1 means troupe is slower";
  s.baseline = "tbb_flow_graph";
  s.candidate = "troupe";
  s.work_units = tasks;
  s.unit = "task";
  s.max_unit_us = 20;
  s.variants.push_back({s.baseline, engine("tbb"), {}, true});
  s.variants.push_back({s.candidate, engine("troupe"), {}, true});
  return s;
}

/// The whole 23-agent analysis, cold (no cache), against pyflakes3 - one
/// checker doing one of those 23 analyses - on the same files. The
/// original report claimed 4x for agent orchestration; the issue asks for
/// 8x over pyflakes with peak RSS under 300 MB.
scenario_spec orchestration(const scenario_inputs& in) {
  scenario_spec s;
  s.name = "orchestration";
  s.description = "the full 23-agent cold analysis (troupe run --no-cache, " +
                  std::to_string(in.workers) + " workers) vs pyflakes3 on the same tree";
  s.baseline = "pyflakes3";
  s.candidate = "troupe_23_agents";
  s.seed_claim = 4;
  s.required = 8;
  s.notes = {"pyflakes exits 1 when it reports anything; that counts as a completed sample",
             "the troupe variant writes report.json, report.md, report.html and the "
             "generated tests and docs; see peak_rss_bytes for the 300 MB bound"};
  variant_spec pyflakes{s.baseline, {"/usr/bin/python3", "-m", "pyflakes", in.corpus}, {}};
  pyflakes.accepted_exit_codes = {0, 1};
  s.variants.push_back(std::move(pyflakes));
  auto report = in.scratch_dir + "/orchestration/report.json";
  s.variants.push_back({s.candidate, troupe_run(in, "orchestration", in.workers), {},
                        false, [report](const std::string&) {
                          return detail::report_metrics(report);
                        }});
  return s;
}

/// deps_lookup against the local package index with 50 ms injected
/// latency and 100 distinct packages: the pooled, concurrent client vs one
/// new connection per lookup in sequence. The original report claimed 4.5x
/// for batched network calls; the issue asks for 8x.
scenario_spec network(const scenario_inputs& in) {
  auto tool = helper_program(in, "troupe_deps_bench");
  auto mode = [&](const std::string& m, const char* pool, const char* in_flight) {
    return std::vector<std::string>{tool,          "--mode",      m,    "--packages",
                                    "100",         "--latency-ms", "50", "--pool-size",
                                    pool,          "--in-flight", in_flight};
  };
  scenario_spec s;
  s.name = "network";
  s.description = "deps_lookup of 100 distinct packages against the local index (Beast server "
                  "on 127.0.0.1, 50 ms injected latency): one new connection per lookup in "
                  "sequence vs the keep-alive pool with the cluster profile's bounds (16 "
                  "connections, 32 in flight) and the balanced profile's (8, 16); a sample is "
                  "the agent's lookup time inside its process";
  s.baseline = "sequential";
  s.candidate = "pooled_16";
  s.seed_claim = 4.5;
  s.required = 8;
  s.notes = {"with 8 connections 100 lookups of 50 ms take at least 13 rounds, so the "
             "balanced profile's ceiling is 100 / 13 = 7.7x; 16 connections allow 14x"};
  s.also_against = {"pooled_8"};
  s.variants.push_back({s.baseline, mode("sequential", "1", "1"), {}, true});
  s.variants.push_back({s.candidate, mode("pooled", "16", "32"), {}, true});
  s.variants.push_back({"pooled_8", mode("pooled", "8", "16"), {}, true});
  return s;
}

} // namespace

std::string helper_program(const scenario_inputs& in, const std::string& name) {
  namespace fs = std::filesystem;
  auto dir = fs::path{in.troupe_binary}.parent_path();
  std::error_code ec;
  if (fs::exists(dir / name, ec))
    return (dir / name).string();
  auto installed = dir.parent_path() / "libexec" / "troupe" / name;
  if (fs::exists(installed, ec))
    return installed.string();
  return (dir / name).string(); // reported missing where it is run
}

std::vector<scenario_spec> builtin_scenarios(const scenario_inputs& in) {
  auto all = std::vector<scenario_spec>{multi_file(in), actor_micro(in), orchestration(in),
                                        network(in)};
  for (auto& s : cache_scenarios(in))
    all.push_back(std::move(s));
  return all;
}

} // namespace troupe::scenarios
