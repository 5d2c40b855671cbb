#include "troupe/scenarios/cluster_scenarios.hpp"

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

} // namespace

std::vector<std::pair<std::string, std::string>> pending_cluster_scenarios() {
  return {{"cluster", "a run on 1 node vs 3 nodes (needs troupe run --join)"},
          {"l3_warm", "a cold node whose run is served by a warm L3 vs cold (needs troupe run "
                      "--join)"}};
}

std::vector<scenario_spec> cluster_scenarios(const scenario_inputs& in) {
  return {remote_round_trip(in), l3_latency(in)};
}

} // namespace troupe::scenarios
