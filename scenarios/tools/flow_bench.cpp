// troupe_flow_bench: message-flow patterns through troupe's actor layer
// (tasks as messages between the supervisor and agent lanes) against the
// same pattern written with raw CAF actors, in-process.
//
//   troupe_flow_bench --pattern ping_pong|fork_join|thread_ring|counting
//                     --engine troupe|caf [--size N] [--actors N] [--fan-out N]
//                     [--workers 2] [--reps 5] [--warmups 1]
//
// Patterns (N = --size):
//   ping_pong    N exchanges one after another. caf: a pinger and a ponger
//                actor, each request answered before the next; troupe: a
//                chain of N tasks alternating between two agents (each task
//                a message to the agent's lane and its answer).
//   fork_join    N rounds of a fan-out to --fan-out leaves and a join.
//                caf: a master sends a message to each of --workers worker
//                actors in turn and counts the answers; troupe: per round
//                --fan-out tasks of a per-item agent (its lanes, one per
//                worker) and one join task depending on them all.
//   thread_ring  a token passed N hops around a ring of --actors members.
//                caf: --actors actors, each sending to the next; troupe:
//                --actors agents and a chain of N tasks, task i on agent
//                i mod --actors.
//   counting     Savina's counting actor: N increments to one counter, then
//                one request for the total (checked). caf: one-way messages
//                to a counter actor; troupe: N tasks of a per-item agent on
//                one worker slot (one lane, the counter) and an aggregate
//                task depending on all of them that reads the total.
// Each repetition includes creating the pattern's actors (caf: spawning
// them; troupe: the run spawning its lanes and supervisor) and tearing
// them down; the actor system and the troupe runtime are started before.
// Raw CAF gets the scheduler troupe configures: the sharing policy with
// workers + 1 threads.
//
// Prints one line per timed repetition and, last, `sample_s=X` (the median
// repetition), which `troupe bench` reads as its sample.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "troupe/runtime/graph_plan.hpp"
#include "troupe/runtime/runtime.hpp"
#include "tool_args.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct bench_args {
  std::string pattern;
  std::string engine;
  std::size_t size = 0;
  std::size_t actors = 100;
  std::size_t fan_out = 16;
  unsigned workers = 2;
  int reps = 5;
  int warmups = 1;
};

const troupe::scenarios::tools::tool_args cli{
  "troupe_flow_bench",
  "--pattern ping_pong|fork_join|thread_ring|counting --engine troupe|caf [--size N] "
  "[--actors N] [--fan-out N] [--workers N] [--reps N] [--warmups N]"};

bench_args parse(int argc, char** argv) {
  bench_args a;
  cli.parse(argc, argv, nullptr, [&](const std::string& key, const std::string& value) {
    if (key == "--pattern")
      a.pattern = value;
    else if (key == "--engine")
      a.engine = value;
    else if (key == "--size")
      a.size = cli.whole(key, value, 1);
    else if (key == "--actors")
      a.actors = cli.whole(key, value, 1);
    else if (key == "--fan-out")
      a.fan_out = cli.whole(key, value, 1);
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
  if (a.pattern != "ping_pong" && a.pattern != "fork_join" && a.pattern != "thread_ring"
      && a.pattern != "counting")
    cli.usage("--pattern must be ping_pong, fork_join, thread_ring or counting");
  if (a.engine != "troupe" && a.engine != "caf")
    cli.usage("--engine must be troupe or caf");
  if (a.size == 0)
    a.size = a.pattern == "fork_join" ? 200 : a.pattern == "counting" ? 20000 : 10000;
  return a;
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// ---- raw CAF ---------------------------------------------------------------

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using add_atom = caf::atom_constant<caf::atom("add")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using token_atom = caf::atom_constant<caf::atom("token")>;
using work_atom = caf::atom_constant<caf::atom("work")>;
using start_atom = caf::atom_constant<caf::atom("start")>;

caf::actor_system_config& caf_config(caf::actor_system_config& cfg, unsigned workers) {
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(workers + 1));
  return cfg;
}

/// Runs `body(done)` and waits until it fulfils `done`; returns seconds.
template <class Body>
double timed(Body body) {
  std::promise<void> done;
  auto finished = done.get_future();
  auto t0 = clock_type::now();
  body(done);
  finished.wait();
  return seconds_since(t0);
}

double caf_ping_pong(caf::actor_system& sys, std::size_t n) {
  return timed([&](std::promise<void>& done) {
    auto ponger = sys.spawn([]() -> caf::behavior {
      return {[](ping_atom, std::size_t i) { return i; }};
    });
    sys.spawn([ponger, n, &done](caf::event_based_actor* self) -> caf::behavior {
      self->send(ponger, ping_atom::value, std::size_t{0});
      return {[=, &done](std::size_t i) {
        if (i + 1 < n) {
          self->send(ponger, ping_atom::value, i + 1);
          return;
        }
        self->send_exit(ponger, caf::exit_reason::user_shutdown);
        done.set_value();
        self->quit();
      }};
    });
  });
}

double caf_fork_join(caf::actor_system& sys, std::size_t rounds, std::size_t fan_out,
                     unsigned workers) {
  return timed([&](std::promise<void>& done) {
    std::vector<caf::actor> pool;
    for (unsigned w = 0; w < workers; ++w)
      pool.push_back(sys.spawn([]() -> caf::behavior {
        return {[](work_atom, std::size_t i) { return i; }};
      }));
    sys.spawn([pool, rounds, fan_out, &done](caf::event_based_actor* self) -> caf::behavior {
      auto round = std::make_shared<std::size_t>(0);
      auto answers = std::make_shared<std::size_t>(0);
      auto fork = [=] {
        for (std::size_t i = 0; i < fan_out; ++i)
          self->send(pool[i % pool.size()], work_atom::value, i);
      };
      fork();
      return {[=, &done](std::size_t) {
        if (++*answers < fan_out)
          return;
        *answers = 0;
        if (++*round < rounds) {
          fork();
          return;
        }
        for (const auto& w : pool)
          self->send_exit(w, caf::exit_reason::user_shutdown);
        done.set_value();
        self->quit();
      }};
    });
  });
}

double caf_thread_ring(caf::actor_system& sys, std::size_t hops, std::size_t members) {
  std::vector<caf::actor> ring;
  auto s = timed([&](std::promise<void>& done) {
    // Each member forwards the token to the next one, set after spawning.
    for (std::size_t m = 0; m < members; ++m)
      ring.push_back(sys.spawn([&done](caf::event_based_actor* self) -> caf::behavior {
        auto next = std::make_shared<caf::actor>();
        return {[=](caf::actor& successor) { *next = std::move(successor); },
                [=, &done](token_atom, std::size_t left) {
                  if (left == 0) {
                    done.set_value();
                    return;
                  }
                  self->send(*next, token_atom::value, left - 1);
                }};
      }));
    for (std::size_t m = 0; m < members; ++m)
      caf::anon_send(ring[m], ring[(m + 1) % members]);
    caf::anon_send(ring[0], token_atom::value, hops);
  });
  for (const auto& m : ring)
    caf::anon_send_exit(m, caf::exit_reason::user_shutdown);
  return s;
}

double caf_counting(caf::actor_system& sys, std::size_t n) {
  return timed([&](std::promise<void>& done) {
    auto counter = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
      auto count = std::make_shared<std::size_t>(0);
      return {[=](add_atom) { ++*count; }, [=](get_atom) { return *count; }};
    });
    sys.spawn([counter, n, &done](caf::event_based_actor* self) {
      for (std::size_t i = 0; i < n; ++i)
        self->send(counter, add_atom::value);
      // Finite: a counter that never answers ends the bench with an error
      // instead of hanging it.
      self->request(counter, std::chrono::seconds(60), get_atom::value)
        .then(
          [=, &done](std::size_t total) {
            if (total != n)
              cli.fail("counting: the counter holds " + std::to_string(total));
            self->send_exit(counter, caf::exit_reason::user_shutdown);
            done.set_value();
          },
          [](caf::error& err) { cli.fail("counting: no total: " + caf::to_string(err)); });
    });
  });
}

std::vector<double> run_caf(const bench_args& a) {
  caf::actor_system_config cfg;
  caf::actor_system sys{caf_config(cfg, a.workers)};
  std::vector<double> out;
  for (int r = 0; r < a.warmups + a.reps; ++r) {
    double s = 0;
    if (a.pattern == "ping_pong")
      s = caf_ping_pong(sys, a.size);
    else if (a.pattern == "fork_join")
      s = caf_fork_join(sys, a.size, a.fan_out, a.workers);
    else if (a.pattern == "thread_ring")
      s = caf_thread_ring(sys, a.size, a.actors);
    else
      s = caf_counting(sys, a.size);
    if (r >= a.warmups)
      out.push_back(s);
  }
  return out;
}

// ---- troupe -----------------------------------------------------------------

troupe::agent_handler empty_handler() {
  return [](const troupe::agent_input&) -> troupe::expected<std::string> { return std::string{}; };
}

void add_agent(troupe::agent_registry& reg, troupe::agent_descriptor d,
               troupe::agent_handler handler) {
  if (auto err = reg.add(std::move(d), std::move(handler)))
    cli.fail(err.message());
}

/// A chain of `n` tasks, task i running agent `names[i % names.size()]`.
troupe::task_graph chain(std::size_t n, const std::vector<std::string>& names) {
  troupe::task_graph g;
  for (std::size_t i = 0; i < n; ++i) {
    troupe::task_spec t;
    t.name = "t" + std::to_string(i);
    t.agents = {names[i % names.size()]};
    if (i > 0)
      t.depends_on = {i - 1};
    g.add(std::move(t));
  }
  return g;
}

std::vector<double> run_troupe(const bench_args& a) {
  troupe::runtime_options opts;
  // Savina's counter is one actor: one worker slot, one lane.
  opts.workers = a.pattern == "counting" ? 1 : a.workers;
  troupe::runtime rt{opts};
  troupe::agent_registry reg;
  troupe::task_graph graph;
  std::vector<troupe::work_item> items;
  std::atomic<std::size_t> count{0};
  if (a.pattern == "ping_pong") {
    add_agent(reg, {"ping", 1, troupe::agent_scope::corpus, {}, "ping"}, empty_handler());
    add_agent(reg, {"pong", 1, troupe::agent_scope::corpus, {}, "pong"}, empty_handler());
    graph = chain(a.size, {"ping", "pong"});
  } else if (a.pattern == "thread_ring") {
    std::vector<std::string> names;
    for (std::size_t m = 0; m < a.actors; ++m) {
      names.push_back("ring" + std::to_string(m));
      add_agent(reg, {names.back(), 1, troupe::agent_scope::corpus, {}, "ring member"},
                empty_handler());
    }
    graph = chain(a.size, names);
  } else if (a.pattern == "fork_join") {
    add_agent(reg, {"leaf", 1, troupe::agent_scope::per_item, {}, "leaf"}, empty_handler());
    add_agent(reg, {"join", 1, troupe::agent_scope::aggregate, {"leaf"}, "join"},
              empty_handler());
    for (std::size_t i = 0; i < a.fan_out; ++i)
      items.push_back({"item" + std::to_string(i), {}});
    std::size_t join = 0;
    for (std::size_t r = 0; r < a.size; ++r) {
      std::vector<std::size_t> leaves;
      for (std::size_t i = 0; i < a.fan_out; ++i) {
        troupe::task_spec t;
        t.name = "leaf" + std::to_string(r) + "." + std::to_string(i);
        t.agents = {"leaf"};
        t.items = {static_cast<std::uint32_t>(i)};
        if (r > 0)
          t.depends_on = {join};
        leaves.push_back(graph.add(std::move(t)));
      }
      troupe::task_spec j;
      j.name = "join" + std::to_string(r);
      j.agents = {"join"};
      j.depends_on = leaves;
      join = graph.add(std::move(j));
    }
  } else {
    add_agent(reg, {"count", 1, troupe::agent_scope::per_item, {}, "counter"},
              [&count](const troupe::agent_input&) -> troupe::expected<std::string> {
                count.fetch_add(1, std::memory_order_relaxed);
                return std::string{};
              });
    add_agent(reg, {"total", 1, troupe::agent_scope::aggregate, {"count"}, "total"},
              [&count](const troupe::agent_input&) -> troupe::expected<std::string> {
                return std::to_string(count.load());
              });
    items.resize(a.size);
    graph = troupe::plan_graph(reg, items.size());
  }
  std::vector<double> out;
  for (int r = 0; r < a.warmups + a.reps; ++r) {
    count = 0;
    auto t0 = clock_type::now();
    auto res = items.empty() ? rt.run(reg, graph) : rt.run(reg, graph, items);
    auto s = seconds_since(t0);
    if (!res.ok())
      cli.fail("the troupe run had failed tasks");
    if (a.pattern == "counting") {
      const auto& last = res.tasks.back();
      if (last.outputs.empty() || !last.outputs.front().bytes
          || *last.outputs.front().bytes != std::to_string(a.size))
        cli.fail("counting: the total task did not see every increment");
    }
    if (r >= a.warmups)
      out.push_back(s);
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  auto runs = a.engine == "caf" ? run_caf(a) : run_troupe(a);
  for (auto s : runs)
    std::printf("%s %s size=%zu run_s=%.6f us_per_unit=%.3f\n", a.engine.c_str(),
                a.pattern.c_str(), a.size, s, s / static_cast<double>(a.size) * 1e6);
  std::sort(runs.begin(), runs.end());
  auto n = runs.size();
  auto med = n % 2 ? runs[n / 2] : (runs[n / 2 - 1] + runs[n / 2]) / 2;
  std::printf("sample_s=%.9f\n", med);
  return 0;
}
