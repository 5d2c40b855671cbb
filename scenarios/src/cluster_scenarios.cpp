#include "troupe/scenarios/cluster_scenarios.hpp"

#include <unistd.h>

#include "number_format.hpp"
#include "scenario_commands.hpp"
#include "troupe/scenarios/statistics.hpp"

namespace troupe::scenarios {

namespace {

using detail::command;
using detail::fixed;
using detail::scratch;

scenario_spec remote_round_trip(const scenario_inputs& in) {
  auto tool = helper_program(in, "troupe_cluster_bench");
  std::size_t count = in.quick ? 500 : 2000;
  auto engine = [&](const char* e) {
    return command{tool,      "--engine", e, "--troupe", in.troupe_binary, "--count",
                   std::to_string(count), "--reps", in.quick ? "3" : "5"};
  };
  scenario_spec s;
  s.name = "remote_round_trip";
  s.summary = "an empty task batch to a troupe node's lane and back vs a raw CAF remote "
              "message (troupe node on 127.0.0.1)";
  s.description = std::to_string(count)
                  + " round trips one after another from a blocking actor: an empty task "
                    "batch sent over loopback TCP (CAF's BASP) and the empty reply batch "
                    "arriving at a supervisor actor of the sending process. troupe_lane: the "
                    "lane a `troupe node` process opened for the run (node protocol: join, "
                    "peer guard, lanes); caf_remote: a plain actor another process published "
                    "with CAF's middleman. Node, processes and joins are started beforehand; "
                    "a sample is the median repetition's seconds";
  s.baseline = "caf_remote";
  s.candidate = "troupe_lane";
  s.work_units = count;
  s.unit = "round trip";
  s.max_cost_ratio = 1.2;
  s.notes = {"Both sides send the same messages over the same transport; the ratio is what "
             "the node's lanes and peer guard add to CAF's own remote round trip."};
  s.variants.push_back({s.baseline, engine("caf_remote"), {}, true, detail::printed_figures});
  s.variants.back().what = "raw CAF: a published actor in a child process answers each empty "
                           "batch with an empty reply batch";
  s.variants.push_back({s.candidate, engine("troupe_lane"), {}, true, detail::printed_figures});
  s.variants.back().what = "a `troupe node` process's lane (agent size) opened for this run "
                           "answers each empty batch";
  if (auto why = helper_missing(in, "troupe_cluster_bench"); !why.empty())
    s.unavailable = why;
  return s;
}

scenario_spec l3_latency(const scenario_inputs& in) {
  auto tool = helper_program(in, "troupe_cluster_bench");
  std::size_t count = in.quick ? 300 : 1000;
  scenario_spec s;
  s.name = "l3_latency";
  s.summary = "a hit on a troupe node's L3 shard vs the local L1 and L2 tiers (the claimed "
              "L3 5 ms)";
  s.description = std::to_string(count)
                  + " gets of present 2 KiB records from a blocking actor on each tier, in "
                    "interleaved chunks of 100: the local L1 actor, the local L2 actor (records "
                    "on disk, page cache warm) and the L3 shard of a `troupe node` process on "
                    "127.0.0.1 (its welcome's tier actor, over loopback TCP)";
  s.candidate = "tiers";
  s.variants.push_back({s.candidate,
                        command{tool, "--engine", "tiers", "--troupe", in.troupe_binary,
                                "--count", std::to_string(count), "--reps",
                                in.quick ? "2" : "3", "--dir", scratch(in, "l3_latency/l2")},
                        {},
                        true,
                        detail::printed_figures});
  s.variants.back().what = "one process: L1, L2 and a node's L3 gets in the same rounds "
                           "(a sample: the median repetition's seconds of the L3 gets)";
  s.summarise = [](const scenario_result& r) {
    const auto* v = r.find(r.candidate);
    auto figure = [&](const char* key) -> std::string {
      auto it = v->metric_samples.find(key);
      if (it == v->metric_samples.end() || it->second.empty())
        return "not reported";
      auto ci = median_ci95(it->second);
      return fixed(median(it->second)) + " us (95% CI " + detail::range(ci)
             + (it->second.size() < min_samples_for_interval ? ", indicative" : "") + ")";
    };
    return "hit p50: L3 on a node " + figure("l3_hit_p50_us") + ", local L1 actor "
           + figure("l1_hit_p50_us") + ", local L2 actor " + figure("l2_hit_p50_us");
  };
  if (auto why = helper_missing(in, "troupe_cluster_bench"); !why.empty())
    s.unavailable = why;
  return s;
}

/// troupe_cluster_bench --engine runs: `troupe run` processes joined to
/// `nodes` node processes started beforehand; `tool` are the options before
/// the run's arguments.
command runs_on_nodes(const scenario_inputs& in, const std::string& dir, int nodes,
                      command tool, const command& run) {
  command out{helper_program(in, "troupe_cluster_bench"),
              "--engine",
              "runs",
              "--troupe",
              in.troupe_binary,
              "--dir",
              scratch(in, "runs/" + dir),
              "--nodes",
              std::to_string(nodes)};
  out.insert(out.end(), tool.begin(), tool.end());
  out.emplace_back("--");
  out.insert(out.end(), run.begin(), run.end());
  return out;
}

scenario_spec cluster(const scenario_inputs& in) {
  constexpr int slots = 3;
  auto run = [&](const char* tag, int workers) {
    return command{"run",    in.corpus, "--workers", std::to_string(workers), "--no-cache",
                   "--quiet", "--out",   scratch(in, tag)};
  };
  auto report = [&](const char* tag) { return scratch(in, tag) + "/report.json"; };
  scenario_spec s;
  s.name = "cluster";
  s.summary = "an uncached run on 1 node vs the same run on 3 nodes of this machine (the "
              "nodes' overhead; 2 cores give no speedup)";
  s.description = "a whole uncached troupe run of the corpus with " + std::to_string(slots)
                  + " worker slots: all in the run's own process (one node) vs one slot "
                    "there and one in each of two `troupe node` processes on 127.0.0.1 "
                    "(--workers 1, --no-cache) that the run joins (three nodes): the file "
                    "stage's shards go to the least busy slot and carry the files' contents; "
                    "the corpus agents and the report stay in the run's process. Nodes are "
                    "started before the timed run";
  s.baseline = "one_node";
  s.candidate = "three_nodes";
  s.max_cost_ratio = 1.15;
  s.notes = {"Both variants have the same worker slots on the same cores; three_nodes adds "
             "what nodes cost: shipping file contents and records over loopback TCP, three "
             "processes' actor systems, and the corpus agents sharing the run's one slot with "
             "file shards. remote_tasks counts the shards the nodes ran."};
  s.variants.push_back({s.baseline,
                        runs_on_nodes(in, "cluster", 0,
                                      {"--warmups", "0", "--reps", "1", "--report",
                                       report("cluster-one")},
                                      run("cluster-one", slots)),
                        {},
                        true,
                        detail::printed_figures});
  s.variants.back().what = "a troupe run --no-cache process with " + std::to_string(slots)
                           + " worker slots, no node";
  s.variants.push_back(
    {s.candidate,
     runs_on_nodes(in, "cluster", 2,
                   {"--node-workers", "1", "--node-no-cache", "--warmups", "0", "--reps", "1",
                    "--report", report("cluster-three")},
                   run("cluster-three", 1)),
     {},
     true,
     detail::printed_figures});
  s.variants.back().what = "a troupe run --no-cache process with 1 worker slot, joined to two "
                           "troupe node processes of 1 slot each";
  if (auto why = helper_missing(in, "troupe_cluster_bench"); !why.empty())
    s.unavailable = why;
  return s;
}

/// A cold node's run whose cluster L3 holds an earlier run's results vs a
/// fully cold run. `run_memo`: with the run memo (troupe run's default: the
/// memo one run stored in L3 answers the whole run), else per-file records
/// only (--no-run-memo: every task looked up in L3).
scenario_spec l3_warm(const scenario_inputs& in, bool run_memo) {
  auto profile = helper_program(in, "bench/l3_only.yaml");
  std::string name = run_memo ? "l3_warm" : "l3_warm_records";
  command run{"run",      in.corpus, "--workers", std::to_string(in.workers),
              "--profile", profile,  "--cache-dir", "{cache}",
              "--quiet",   "--out",  scratch(in, name + "-run")};
  if (!run_memo)
    run.emplace_back("--no-run-memo");
  auto report = scratch(in, name + "-run") + "/report.json";
  scenario_spec s;
  s.name = name;
  s.summary = std::string{"a run with an empty cache whose "}
              + (run_memo ? "results" : "per-file records (--no-run-memo)")
              + " are in the cluster's L3 vs a fully cold one (the L3 tier's worth)";
  s.description = "a whole troupe run of the corpus, its own cache folder empty, joined to "
                  "two `troupe node` processes on 127.0.0.1 whose L3 shards form the run's "
                  "L3 tier (profile bench/l3_only.yaml: cluster, nodes.lend_workers false, so "
                  "every task runs in the run's process): nodes whose shards hold what "
                  "an earlier run put there (" + name + ") vs nodes started afresh for every "
                  "run (cold: nothing cached anywhere)";
  s.description += run_memo ? ". With the run memo, as troupe run does by default: the "
                              "earlier run stored its memo in L3 too, so the warm run finds "
                              "it there after joining and dispatches no task"
                            : ". With --no-run-memo: every file's records are looked up "
                              "in L3 and the corpus agents and reports run again";
  s.baseline = "cold";
  s.candidate = name;
  s.required = run_memo ? 10 : 0;
  s.notes = {"l3_hits and l3_misses are the timed run's lookups in the L3 tier; a warm run's "
             "L3 hits fill its L2 and L1, as a cold node joining a cluster would."};
  if (run_memo)
    s.notes.push_back("l3_warm_records is the same comparison without the run memo: what "
                      "the cluster's per-file records alone are worth.");
  s.variants.push_back({s.baseline,
                        runs_on_nodes(in, name, 2,
                                      {"--fresh-nodes", "--warmups", "0", "--reps", "1",
                                       "--report", report},
                                      run),
                        {},
                        true,
                        detail::printed_figures});
  s.variants.back().what = "a troupe run process with an empty cache folder, joined to two "
                           "freshly started nodes (empty L3 shards)";
  s.variants.push_back({s.candidate,
                        runs_on_nodes(in, name, 2,
                                      {"--warmups", "1", "--reps", "1", "--report", report},
                                      run),
                        {},
                        true,
                        detail::printed_figures});
  s.variants.back().what = "a troupe run process with an empty cache folder, joined to two "
                           "nodes whose L3 shards an untimed run of the same corpus filled";
  if (auto why = helper_missing(in, "troupe_cluster_bench"); !why.empty())
    s.unavailable = why;
  else if (::access(profile.c_str(), R_OK) != 0)
    s.unavailable = "the profile " + profile + " is not installed";
  return s;
}

} // namespace

std::vector<scenario_spec> cluster_scenarios(const scenario_inputs& in) {
  return {remote_round_trip(in), l3_latency(in), cluster(in), l3_warm(in, true),
          l3_warm(in, false)};
}

} // namespace troupe::scenarios
