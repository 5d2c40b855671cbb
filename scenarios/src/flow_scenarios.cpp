#include "troupe/scenarios/flow_scenarios.hpp"

#include <unistd.h>

#include "scenario_commands.hpp"

namespace troupe::scenarios {

namespace {

using detail::command;
using detail::scratch;

/// One message-flow pattern of troupe_flow_bench: raw CAF (the baseline)
/// against troupe's tasks.
scenario_spec flow(const scenario_inputs& in, const std::string& name, const std::string& pattern,
                   std::size_t size, std::string unit, std::string summary,
                   std::string caf_what, std::string troupe_what) {
  auto tool = helper_program(in, "troupe_flow_bench");
  auto engine = [&](const char* e) {
    return command{tool,      "--pattern", pattern, "--engine", e, "--size", std::to_string(size),
                   "--workers", "2",       "--reps", in.quick ? "3" : "5"};
  };
  scenario_spec s;
  s.name = name;
  s.summary = std::move(summary);
  s.description = s.summary + " (" + std::to_string(size) + " " + unit
                  + "s; 2 workers; in one process, actor system and runtime started "
                    "beforehand; a sample is the median of the process's repetitions, each "
                    "creating and tearing down the pattern's actors; CAF gets troupe's "
                    "scheduler settings: sharing policy, workers + 1 threads)";
  s.baseline = "caf";
  s.candidate = "troupe";
  s.work_units = size;
  s.unit = std::move(unit);
  s.notes = {"troupe's tasks go through its supervisor: each is a message to an agent lane "
             "and an answer back, with ranks, retries, deadlines and per-agent reports on the "
             "way; raw CAF sends the bare messages. The ratio is what that layer costs per "
             "message, not what either would cost with real work in the tasks."};
  s.variants.push_back({s.baseline, engine("caf"), {}, true});
  s.variants.back().what = std::move(caf_what);
  s.variants.push_back({s.candidate, engine("troupe"), {}, true});
  s.variants.back().what = std::move(troupe_what);
  return s;
}

scenario_spec peers(const scenario_inputs& in) {
  auto tool = helper_program(in, "troupe_dag_bench");
  auto dag = scratch(in, "peers/dag.json");
  command prepare{tool,      "--make-dag", dag,         "--troupe", in.troupe_binary,
                  "--corpus", in.corpus,   "--out",     scratch(in, "peers/calibration")};
  // A quick run's corpus is a tenth of the full one, and so are its costs.
  auto scale = in.quick ? "0.25" : "0.1";
  auto reps = "1";
  auto warmups = in.quick ? "0" : "1";
  auto engine = [&](const char* e) {
    return command{tool, "--engine", e, "--dag", dag, "--scale", scale, "--workers",
                   std::to_string(in.workers), "--reps", reps, "--warmups", warmups};
  };
  scenario_spec s;
  s.name = "peers";
  s.summary = "the 23-agent DAG with task costs calibrated on a real run: troupe vs TBB "
              "flow_graph vs Dask's threaded scheduler vs one after another";
  s.description = "one task per agent of the registry with its edges; each task is CPU work "
                  "of its agent's cost in an uncached 1-worker run of the corpus (the parse "
                  "the group-1 agents share split evenly among them), scaled by "
                  + std::string{scale} + "; " + std::to_string(in.workers)
                  + " workers for every engine; a sample is the median of the process's "
                    "repetitions, start-up excluded";
  s.baseline = "one_after_another";
  s.candidate = "troupe";
  s.also_against = {"tbb_flow_graph", "dask_threaded"};
  s.notes = {"The lower bound of any schedule is max(critical path, work / workers): see "
             "critical_path_s and lower_bound_s. One task per agent: the group-1 agents' "
             "work is not cut into file shards here, as a troupe run cuts it.",
             "C++ tasks spin on their thread's CPU clock; Dask's tasks hash 1 MiB buffers "
             "(hashlib releases the GIL) as often as a calibration on the same thread says "
             "their cost takes."};
  auto variant = [&](std::string name, command c, std::string what) {
    variant_spec v{std::move(name), std::move(c), prepare, true, detail::printed_figures};
    v.what = std::move(what);
    return v;
  };
  s.variants.push_back(variant(s.baseline, engine("sequential"),
                               "every task on one thread in topological order, no framework"));
  s.variants.push_back(variant(s.candidate, engine("troupe"),
                               "troupe's runtime: the 23 agents as host agents, one task each"));
  s.variants.push_back(variant("tbb_flow_graph", engine("tbb"),
                               "TBB flow_graph continue_nodes, one per task"));
  s.variants.push_back(variant("dask_threaded",
                               {"/usr/bin/python3", helper_program(in, "bench/dask_dag.py"),
                                "--dag", dag, "--scale", scale, "--workers",
                                std::to_string(in.workers), "--reps", reps, "--warmups",
                                warmups},
                               "dask.threaded.get on the same graph (Debian python3-dask)"));
  s.variants.back().probe = [] {
    return detail::probe_command({"/usr/bin/python3", "-c", "import dask.threaded"},
                                 "Dask is not installed (Debian package python3-dask)");
  };
  if (::access(helper_program(in, "troupe_dag_bench").c_str(), X_OK) != 0)
    s.unavailable = "troupe_dag_bench is not built (it needs TBB: Debian libtbb-dev)";
  return s;
}

} // namespace

std::vector<scenario_spec> flow_scenarios(const scenario_inputs& in) {
  std::size_t k = in.quick ? 5 : 1;
  return {
    flow(in, "ping_pong", "ping_pong", 10000 / k, "exchange",
         "ping-pong: request and answer, one after another, through troupe vs raw CAF",
         "two CAF actors, each request answered before the next",
         "a chain of tasks alternating between two agents (each a message to a lane and back)"),
    flow(in, "fork_join", "fork_join", 200 / k, "round",
         "fork-join: rounds of 16 parallel leaves and a join, through troupe vs raw CAF",
         "a master actor messaging 2 worker actors in turn and counting the answers",
         "per round 16 tasks of a per-item agent (one lane per worker) and a join task"),
    flow(in, "thread_ring", "thread_ring", 10000 / k, "hop",
         "thread ring: a token passed around 100 members, through troupe vs raw CAF",
         "100 CAF actors in a ring, each sending the token on",
         "100 agents and a chain of tasks, task i on agent i mod 100"),
    flow(in, "counting_actor", "counting", 20000 / k, "message",
         "Savina's counting actor: increments to one counter then a read, through troupe vs "
         "raw CAF",
         "one-way messages to a counter actor, then a request for the total",
         "a per-item agent's tasks on one worker slot (one lane: the counter), then an "
         "aggregate task reading the total"),
    peers(in),
  };
}

} // namespace troupe::scenarios
