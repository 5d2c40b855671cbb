#include "troupe/scenarios/builtin_scenarios.hpp"

#include <filesystem>

#include <unistd.h>

#include "scenario_commands.hpp"
#include "troupe/scenarios/analysis_scenarios.hpp"
#include "troupe/scenarios/cache_scenarios.hpp"
#include "troupe/scenarios/cluster_scenarios.hpp"
#include "troupe/scenarios/flow_scenarios.hpp"

namespace troupe::scenarios {

namespace {

using detail::command;

/// The original report claimed 7.5x for multi-file analysis; on a machine
/// with W cores the ceiling is W, so this scenario shows how close the
/// worker pool gets to linear scaling.
scenario_spec multi_file(const scenario_inputs& in) {
  scenario_spec s;
  s.name = "multi_file";
  s.summary = "a whole uncached troupe run with 1 worker vs one per core (the claimed 7.5x "
              "at 8 workers)";
  s.description = "parse and extract every file of the corpus and run the 23 agents: 1 worker "
                  "vs "
                  + std::to_string(in.workers) + " workers (whole troupe run --no-cache process)";
  s.baseline = "workers=1";
  s.candidate = "workers=" + std::to_string(in.workers);
  s.seed_claim = 7.5;
  s.required = in.workers >= 2 ? 1.85 : 0;
  auto run = [&](unsigned workers, const std::string& tag) {
    auto c = detail::troupe_run(in, in.corpus, "", tag);
    c[4] = std::to_string(workers); // --workers
    return c;
  };
  s.variants.push_back({s.baseline, run(1, "multi_file_w1"), {}});
  s.variants.back().what = "a whole troupe run --no-cache process with 1 worker slot";
  s.variants.push_back({s.candidate, run(in.workers, "multi_file_wn"), {}});
  s.variants.back().what = "the same with " + std::to_string(in.workers) + " worker slots";
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
  std::size_t tasks = in.quick ? 2000 : 10000;
  auto tool = helper_program(in, "troupe_dispatch_bench");
  auto engine = [&](const std::string& name) {
    return command{tool,      "--engine", name, "--tasks", std::to_string(tasks),
                   "--workers", "2",      "--reps", in.quick ? "3" : "5"};
  };
  scenario_spec s;
  s.name = "actor_micro";
  s.summary = "dispatch cost per task of a DAG of empty tasks: troupe vs TBB flow_graph";
  s.description = "dispatch overhead: a " + std::to_string(tasks)
                  + "-task DAG of empty tasks (layers of 100, 3 edges in), 2 workers, troupe's "
                    "supervisor and agent lanes vs TBB flow_graph; a sample is the in-process "
                    "time from releasing the sources to the last task (graph built and threads "
                    "started beforehand for both; process start-up excluded); speedup below 1 "
                    "means troupe is slower";
  s.baseline = "tbb_flow_graph";
  s.candidate = "troupe";
  s.work_units = tasks;
  s.unit = "task";
  s.max_unit_us = 20;
  s.variants.push_back({s.baseline, engine("tbb"), {}, true});
  s.variants.back().what = "TBB flow_graph continue_nodes running the DAG (median of the "
                           "process's repetitions)";
  s.variants.push_back({s.candidate, engine("troupe"), {}, true});
  s.variants.back().what = "troupe's runtime running the DAG as tasks (messages) to an empty "
                           "agent's lanes (median of the process's repetitions)";
  return s;
}

/// deps_lookup against the local package index with 50 ms injected
/// latency and 100 distinct packages: the pooled, concurrent client vs one
/// new connection per lookup in sequence. The original report claimed 4.5x
/// for batched network calls; the issue asks for 8x.
scenario_spec network(const scenario_inputs& in) {
  auto packages = std::to_string(in.quick ? 20 : 100);
  auto tool = helper_program(in, "troupe_deps_bench");
  auto mode = [&](const std::string& m, const char* pool, const char* in_flight) {
    return command{tool, "--mode",      m,    "--packages",  packages, "--latency-ms",
                   "50", "--pool-size", pool, "--in-flight", in_flight};
  };
  scenario_spec s;
  s.name = "network";
  s.summary = "deps_lookup against the local index (50 ms latency): pooled and concurrent vs "
              "one connection per lookup (the claimed 4.5x)";
  s.description = "deps_lookup of " + packages
                  + " distinct packages against the local index (Beast server on 127.0.0.1, 50 "
                    "ms injected latency): one new connection per lookup in sequence vs the "
                    "keep-alive pool with the cluster profile's bounds (16 connections, 32 in "
                    "flight) and the balanced profile's (8, 16); a sample is the agent's lookup "
                    "time inside its process";
  s.baseline = "sequential";
  s.candidate = "pooled_16";
  s.seed_claim = 4.5;
  s.required = in.quick ? 0 : 8;
  s.notes = {"with 8 connections 100 lookups of 50 ms take at least 13 rounds, so the "
             "balanced profile's ceiling is 100 / 13 = 7.7x; 16 connections allow 14x"};
  s.also_against = {"pooled_8"};
  s.variants.push_back({s.baseline, mode("sequential", "1", "1"), {}, true});
  s.variants.back().what = "the lookups one after another, a new connection each";
  s.variants.push_back({s.candidate, mode("pooled", "16", "32"), {}, true});
  s.variants.back().what = "the keep-alive pool: 16 connections, 32 lookups in flight";
  s.variants.push_back({"pooled_8", mode("pooled", "8", "16"), {}, true});
  s.variants.back().what = "the keep-alive pool: 8 connections, 16 lookups in flight";
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

std::string helper_missing(const scenario_inputs& in, const std::string& name) {
  auto path = helper_program(in, name);
  return ::access(path.c_str(), R_OK) == 0 ? std::string{}
                                           : name + " is not installed (looked for " + path + ")";
}

std::vector<scenario_spec> builtin_scenarios(const scenario_inputs& in) {
  std::vector<scenario_spec> all{multi_file(in), orchestration(in), efficiency(in),
                                 overall(in),    codegen(in),       network(in),
                                 actor_micro(in)};
  for (auto& s : flow_scenarios(in))
    all.push_back(std::move(s));
  for (auto& s : cache_scenarios(in))
    all.push_back(std::move(s));
  for (auto& s : cluster_scenarios(in))
    all.push_back(std::move(s));
  return all;
}

} // namespace troupe::scenarios
