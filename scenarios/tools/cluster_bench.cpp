// troupe_cluster_bench: the cluster scenarios' measurements with real
// `troupe node` processes on 127.0.0.1.
//
//   troupe_cluster_bench --engine troupe_lane|caf_remote|tiers --troupe BIN
//                        [--count N] [--reps 5] [--warmups 1] [--dir FOLDER]
//   troupe_cluster_bench --engine runs --troupe BIN --dir FOLDER [--nodes K]
//                        [--node-workers N] [--fresh-nodes] [--node-no-cache]
//                        [--report FILE]
//                        [--reps 5] [--warmups 1] -- RUN-ARGS...
//
// Engines:
//   troupe_lane  starts `troupe node` (127.0.0.1, port 0, 1 worker, no
//                cache), joins it, opens the lanes of one agent for a run
//                whose supervisor is an actor of this process, and times N
//                round trips: an empty task batch sent to the node's lane,
//                the lane's (empty) reply batch arriving at the supervisor.
//   caf_remote   the same round trip through raw CAF: a child process of
//                this program publishes a plain actor with CAF's middleman
//                (127.0.0.1, port 0); the same empty batch is sent to it and
//                it sends the same empty reply batch to the same kind of
//                supervisor actor here. No node protocol, no lanes.
//   tiers        starts `troupe node`, joins it, puts 200 records of 2 KiB
//                into its L3 shard (the welcome's tier actor) and times N
//                gets of present keys from a blocking actor on each tier in
//                turn (chunks of 100 interleaved): the local L1 actor, the
//                local L2 actor (records in FOLDER, page cache warm) and the
//                remote L3 shard.
//   runs         starts K `troupe node` processes (127.0.0.1, port 0,
//                --node-workers slots, the cluster profile, each with its
//                own cache folder in FOLDER) and times whole `troupe run`
//                processes: BIN with the arguments after `--`, then one
//                `--join 127.0.0.1:PORT` per node. `{cache}` in them becomes
//                a fresh empty folder for every run (FOLDER/cache-PID-N,
//                left in place: troupe bench removes them when it starts).
//                --fresh-nodes starts new nodes (an empty L3) before every
//                run; --node-no-cache
//                starts them with --no-cache. After each run the tool
//                syncs the file systems and waits until the nodes are idle
//                (200 ms without CPU time). --report FILE: the
//                run's report.json, whose L3 and node figures are printed.
// The node, the child and both actor systems are started, joined and warmed
// up before the timed repetitions; start-up is never timed.
//
// Prints one line per timed repetition, the figures (`name=value`) and,
// last, `sample_s=X`: the median repetition's seconds for N round trips
// (troupe_lane, caf_remote) or for N L3 gets (tiers), which `troupe bench`
// reads as its sample.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <nlohmann/json.hpp>

#include "troupe/cache/internal/messages.hpp"
#include "troupe/cache/key_parts.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/nodes/internal/node_client.hpp"
#include "troupe/nodes/network_options.hpp"
#include "troupe/runtime/caf_interop.hpp"
#include "troupe/runtime/internal/messages.hpp"
#include "troupe/runtime/runtime.hpp"
#include "tool_args.hpp"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;
using troupe::detail::done_atom;
using troupe::detail::reply_batch;
using troupe::detail::run_atom;
using troupe::detail::shared_bytes;
using troupe::detail::supervisor_actor;
using troupe::detail::task_batch;

struct bench_args {
  std::string engine;
  std::string troupe;
  std::size_t count = 2000;
  int reps = 5;
  int warmups = 1;
  std::string dir;
  bool serve_echo = false;
  int nodes = 0;
  int node_workers = 1;
  bool fresh_nodes = false;
  bool node_cache = true;
  std::string report;
  std::vector<std::string> run_args;
};

const troupe::scenarios::tools::tool_args cli{
  "troupe_cluster_bench",
  "--engine troupe_lane|caf_remote|tiers|runs --troupe BIN [--count N] [--reps N] "
  "[--warmups N] [--dir FOLDER] [--nodes K] [--node-workers N] [--fresh-nodes] "
  "[--node-no-cache] [--report FILE] [-- RUN-ARGS...]"};

bench_args parse(int argc, char** argv) {
  bench_args a;
  auto flag = [&](const std::string& key) {
    if (key == "--serve-echo")
      a.serve_echo = true;
    else if (key == "--fresh-nodes")
      a.fresh_nodes = true;
    else if (key == "--node-no-cache")
      a.node_cache = false;
    else
      return false;
    return true;
  };
  cli.parse(
    argc, argv, flag,
    [&](const std::string& key, const std::string& value) {
      if (key == "--engine")
        a.engine = value;
      else if (key == "--troupe")
        a.troupe = value;
      else if (key == "--count")
        a.count = static_cast<std::size_t>(cli.whole(key, value, 1));
      else if (key == "--reps")
        a.reps = static_cast<int>(cli.whole(key, value, 1));
      else if (key == "--warmups")
        a.warmups = static_cast<int>(cli.whole(key, value, 0));
      else if (key == "--dir")
        a.dir = value;
      else if (key == "--nodes")
        a.nodes = static_cast<int>(cli.whole(key, value, 0));
      else if (key == "--node-workers")
        a.node_workers = static_cast<int>(cli.whole(key, value, 1));
      else if (key == "--report")
        a.report = value;
      else
        return false;
      return true;
    },
    &a.run_args);
  if (a.serve_echo)
    return a;
  if (a.engine != "troupe_lane" && a.engine != "caf_remote" && a.engine != "tiers"
      && a.engine != "runs")
    cli.usage("--engine must be troupe_lane, caf_remote, tiers or runs");
  if (a.engine == "runs" && (a.dir.empty() || a.run_args.empty()))
    cli.usage("--engine runs needs --dir FOLDER and the run's arguments after --");
  if (a.engine != "caf_remote" && a.troupe.empty())
    cli.usage("--engine " + a.engine + " needs --troupe BIN (the troupe executable)");
  return a;
}

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string random_token() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 8; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", rd());
    out += part;
  }
  return out;
}

/// A child process (stdout and stderr in files of a private folder),
/// stopped with SIGTERM (SIGKILL after 5 s) by the destructor; it gets
/// SIGKILL if this process dies first.
class child {
public:
  child(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env) {
    char tmpl[] = "/tmp/troupe-cluster-bench-XXXXXX";
    if (!mkdtemp(tmpl))
      cli.fail("cannot make a folder in /tmp");
    dir_ = tmpl;
    auto out = (dir_ / "stdout").string();
    auto err = (dir_ / "stderr").string();
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    auto parent = getpid();
    std::fflush(nullptr); // else the child's freopen writes our buffer again
    pid_ = fork();
    if (pid_ < 0)
      cli.fail("fork failed");
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent)
        _exit(1);
      for (auto& [k, v] : env)
        setenv(k.c_str(), v.c_str(), 1);
      if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr))
        _exit(126);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }

  ~child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      auto end = clock_type::now() + 5s;
      while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (clock_type::now() > end) {
          ::kill(pid_, SIGKILL);
          waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(10ms);
      }
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  child(const child&) = delete;
  child& operator=(const child&) = delete;

  /// Waits for the child to end (SIGKILL after `limit`); its exit status
  /// as waitpid(2) gives it.
  int wait_exit(std::chrono::seconds limit) {
    int status = 0;
    auto end = clock_type::now() + limit;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (clock_type::now() > end) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(1ms);
    }
    pid_ = -1;
    return status;
  }

  std::string stderr_text() const {
    return slurp(dir_ / "stderr");
  }

  /// CPU time the child used so far (clock ticks, /proc/PID/stat), or -1.
  long long cpu_ticks() const {
    auto stat = slurp("/proc/" + std::to_string(pid_) + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos)
      return -1;
    std::istringstream fields{stat.substr(close + 2)};
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14)
        utime = std::stoll(field);
      if (i == 15)
        stime = std::stoll(field);
    }
    return utime + stime;
  }

  /// The port on the stdout line starting with `marker` and ending in
  /// ":PORT"; fails naming the child's stderr when it exits or does not
  /// print it within 30 s.
  std::uint16_t wait_port(const std::string& marker, const std::string& what) {
    auto end = clock_type::now() + 30s;
    for (;;) {
      auto text = slurp(dir_ / "stdout");
      auto at = text.find(marker);
      if (at != std::string::npos) {
        auto eol = text.find('\n', at);
        if (eol != std::string::npos) {
          auto line = text.substr(at + marker.size(), eol - at - marker.size());
          return static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
        }
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        cli.fail(what + " exited before it listened: " + slurp(dir_ / "stderr"));
      }
      if (clock_type::now() > end)
        cli.fail(what + " printed no '" + marker + "' line within 30 s: " + slurp(dir_ / "stderr"));
      std::this_thread::sleep_for(10ms);
    }
  }

private:
  fs::path dir_;
  pid_t pid_ = -1;
};

/// `troupe node --listen 127.0.0.1:0 ARGS...` with `token` in its
/// environment; the caller waits for its port.
std::unique_ptr<child> spawn_node(const std::string& troupe, const std::string& token,
                                  const std::vector<std::string>& args) {
  std::vector<std::string> argv{troupe, "node", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  return std::make_unique<child>(std::move(argv),
                                 std::vector<std::pair<std::string, std::string>>{
                                   {"TROUPE_TOKEN", token}});
}

/// This process's runtime, able to join nodes (CAF's middleman loaded).
troupe::runtime_options network_runtime() {
  troupe::runtime_options ro;
  ro.workers = 1;
  troupe::nodes::network_options net;
  if (auto err = troupe::nodes::enable_network(ro, net))
    cli.fail(err.message());
  return ro;
}

/// A stand-in supervisor that counts the reply batches it gets.
supervisor_actor spawn_counter(caf::actor_system& sys, std::shared_ptr<std::atomic<long>> n) {
  return sys.spawn([n](supervisor_actor::pointer) -> supervisor_actor::behavior_type {
    return {[n](done_atom, reply_batch&) { n->fetch_add(1, std::memory_order_release); },
            [](troupe::detail::cancel_atom) {}, [](troupe::detail::watchdog_atom) {}};
  });
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

double micros(clock_type::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

troupe::nodes::detail::joined_node join(caf::actor_system& sys, std::uint16_t port,
                                        const std::string& token) {
  troupe::nodes::detail::join_options jo;
  jo.credentials = {"troupe", token};
  jo.name = "troupe_cluster_bench";
  jo.role = troupe::nodes::detail::peer_role::run;
  auto joined = troupe::nodes::detail::join_node(sys, "127.0.0.1", port, jo);
  if (!joined)
    cli.fail("cannot join the node on 127.0.0.1:" + std::to_string(port) + ": "
         + joined.error().message());
  return std::move(*joined);
}

/// Round trips from a blocking actor: an empty batch sent to `target`, until
/// the counter saw its reply batch; microseconds each.
template <class Handle>
std::vector<double> round_trips(caf::actor_system& sys, const Handle& target,
                                std::atomic<long>& replies, std::size_t n) {
  caf::scoped_actor self{sys};
  std::vector<double> us;
  us.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto expected = replies.load(std::memory_order_acquire) + 1;
    auto t0 = clock_type::now();
    self->send(target, run_atom::value, task_batch{});
    auto give_up = t0 + 10s;
    while (replies.load(std::memory_order_acquire) < expected) {
      std::this_thread::yield();
      if (clock_type::now() > give_up)
        cli.fail("no reply batch within 10 s (round trip " + std::to_string(i) + ")");
    }
    us.push_back(micros(clock_type::now() - t0));
  }
  return us;
}

/// The repetitions of `one` (returning microseconds per operation): prints
/// each timed one and the figures, then sample_s.
template <class Fn>
int repeat(const bench_args& a, const std::string& figure, Fn one) {
  for (int w = 0; w < a.warmups; ++w)
    one();
  std::vector<double> totals;
  std::vector<double> all;
  for (int r = 0; r < a.reps; ++r) {
    auto us = one();
    double total = 0;
    for (auto x : us)
      total += x;
    totals.push_back(total / 1e6);
    all.insert(all.end(), us.begin(), us.end());
    std::printf("repetition %d: %.6f s, median %.2f us\n", r + 1, total / 1e6, median(us));
  }
  std::printf("%s_p50_us=%.3f %s_p99_us=%.3f\n", figure.c_str(), median(all), figure.c_str(),
              quantile(all, 0.99));
  std::printf("sample_s=%.9f\n", median(totals));
  return 0;
}

int serve_echo() {
  troupe::runtime rt{network_runtime()};
  auto& sys = troupe::runtime_access::system(rt);
  // The supervisor's handle travels untyped (CAF serializes caf::actor).
  auto target = std::make_shared<caf::actor>();
  auto echo = sys.spawn([target](caf::event_based_actor* self) -> caf::behavior {
    return {
      [target](caf::ok_atom, const caf::actor& s) {
        *target = s;
        return caf::ok_atom::value;
      },
      [self, target](run_atom, const task_batch&) {
        self->send(*target, done_atom::value, reply_batch{});
      },
    };
  });
  auto port = sys.middleman().publish(echo, 0, "127.0.0.1");
  if (!port)
    cli.fail("cannot publish the echo actor on 127.0.0.1: " + sys.render(port.error()));
  std::printf("troupe_cluster_bench: echo listening on 127.0.0.1:%u\n", unsigned{*port});
  std::fflush(stdout);
  for (;;)
    pause();
}

int caf_remote(const bench_args& a, const std::string& self_exe) {
  child echo{{self_exe, "--serve-echo"}, {}};
  auto port = echo.wait_port("troupe_cluster_bench: echo listening on ", "the echo process");
  troupe::runtime rt{network_runtime()};
  auto& sys = troupe::runtime_access::system(rt);
  auto remote = sys.middleman().remote_actor("127.0.0.1", port);
  if (!remote)
    cli.fail("cannot reach the echo actor: " + sys.render(remote.error()));
  auto replies = std::make_shared<std::atomic<long>>(0);
  auto counter = spawn_counter(sys, replies);
  {
    caf::scoped_actor self{sys};
    bool ok = false;
    self->request(*remote, 10s, caf::ok_atom::value, caf::actor_cast<caf::actor>(counter))
      .receive([&](caf::ok_atom) { ok = true; },
               [&](caf::error& e) { cli.fail("echo actor: " + sys.render(e)); });
    if (!ok)
      cli.fail("echo actor did not answer");
  }
  int rc = repeat(a, "round_trip", [&] { return round_trips(sys, *remote, *replies, a.count); });
  caf::anon_send_exit(counter, caf::exit_reason::user_shutdown);
  return rc;
}

int troupe_lane(const bench_args& a) {
  auto token = random_token();
  auto node = spawn_node(a.troupe, token, {"--workers", "1", "--no-cache", "--name", "bench-node"});
  auto port = node->wait_port("troupe node: listening on ", "troupe node");
  troupe::runtime rt{network_runtime()};
  auto& sys = troupe::runtime_access::system(rt);
  auto joined = join(sys, port, token);
  auto replies = std::make_shared<std::atomic<long>>(0);
  auto counter = spawn_counter(sys, replies);
  auto lanes = troupe::nodes::detail::open_lanes(
    sys, joined.node, troupe::nodes::detail::open_request{1, {"size"}, 60'000, counter, {}}, 5s);
  if (!lanes)
    cli.fail("cannot open lanes on the node: " + lanes.error().message());
  if (lanes->groups.empty() || lanes->groups[0].lanes.empty())
    cli.fail("the node opened no lane for agent 'size'");
  auto lane = lanes->groups[0].lanes[0];
  int rc = repeat(a, "round_trip", [&] { return round_trips(sys, lane, *replies, a.count); });
  if (auto closed = troupe::nodes::detail::close_lanes(sys, joined.node, 1, 5s); !closed)
    cli.fail("cannot close the lanes: " + closed.error().message());
  caf::anon_send_exit(counter, caf::exit_reason::user_shutdown);
  return rc;
}

troupe::cache::cache_key key_of(std::size_t i) {
  troupe::cache::key_parts parts;
  parts.agent_id = "bench";
  parts.agent_version = "1";
  parts.input = troupe::cache::content_digest(std::to_string(i));
  return parts.key();
}

int tiers(const bench_args& a) {
  namespace cd = troupe::cache::detail;
  if (a.dir.empty())
    cli.usage("--engine tiers needs --dir FOLDER (the L2 records)");
  auto token = random_token();
  auto node = spawn_node(a.troupe, token, {"--workers", "1", "--no-cache", "--name", "bench-node"});
  auto port = node->wait_port("troupe node: listening on ", "troupe node");
  troupe::runtime rt{network_runtime()};
  auto& sys = troupe::runtime_access::system(rt);
  auto joined = join(sys, port, token);
  auto l3 = joined.info.l3;
  if (!l3)
    cli.fail("the node's welcome named no L3 shard");
  constexpr std::size_t keys = 200;
  auto record = troupe::cache::make_value(std::string(2048, 'x'));
  auto l1 = std::make_shared<troupe::cache::l1_store>(troupe::cache::l1_options{});
  std::error_code ec;
  fs::remove_all(a.dir, ec);
  troupe::cache::l2_options l2o;
  l2o.directory = a.dir;
  l2o.sync = false; // a throwaway store: its reads are what is timed
  auto l2 = std::make_shared<troupe::cache::l2_store>(l2o);
  if (auto err = l2->open())
    cli.fail(err.message());
  caf::scoped_actor self{sys};
  for (std::size_t i = 0; i < keys; ++i) {
    l1->put(key_of(i), record);
    if (auto err = l2->put(key_of(i), *record))
      cli.fail(err.message());
    self->send(l3, cd::put_atom::value, key_of(i), shared_bytes{record});
  }
  auto l1_actor = cd::spawn_l1_actor(sys, l1);
  auto l2_actor = cd::spawn_l2_actor(sys, l2);
  std::size_t next = 0;
  auto get = [&](const cd::tier_actor& tier, const char* name) {
    auto key = key_of(next++ % keys);
    auto t0 = clock_type::now();
    bool hit = false;
    self->request(tier, 10s, cd::get_atom::value, key)
      .receive([&](const shared_bytes& v) { hit = v.view().size() == 2048; },
               [&](caf::error& e) { cli.fail(std::string{name} + " get: " + sys.render(e)); });
    auto us = micros(clock_type::now() - t0);
    if (!hit)
      cli.fail(std::string{name} + " missed a key it holds");
    return us;
  };
  // The L3 puts are one-way and ordered: once the last key answers, all are in.
  {
    next = keys - 1;
    auto end = clock_type::now() + 10s;
    bool hit = false;
    while (!hit && clock_type::now() < end) {
      self->request(l3, 10s, cd::get_atom::value, key_of(keys - 1))
        .receive([&](const shared_bytes& v) { hit = !v.view().empty(); },
                 [&](caf::error& e) { cli.fail("L3 get: " + sys.render(e)); });
    }
    if (!hit)
      cli.fail("the node's L3 shard did not keep the records put into it");
  }
  std::vector<double> l1_all, l2_all;
  auto one = [&] {
    std::vector<double> l3_us;
    constexpr std::size_t chunk = 100;
    for (std::size_t done = 0; done < a.count; done += chunk) {
      auto m = std::min(chunk, a.count - done);
      for (std::size_t i = 0; i < m; ++i)
        l1_all.push_back(get(l1_actor, "L1"));
      for (std::size_t i = 0; i < m; ++i)
        l2_all.push_back(get(l2_actor, "L2"));
      for (std::size_t i = 0; i < m; ++i)
        l3_us.push_back(get(l3, "L3"));
    }
    return l3_us;
  };
  // The warm-ups' L1 and L2 figures are dropped with theirs.
  for (int w = 0; w < a.warmups; ++w)
    one();
  l1_all.clear();
  l2_all.clear();
  bench_args timed = a;
  timed.warmups = 0;
  int rc = repeat(timed, "l3_hit", one);
  std::printf("l1_hit_p50_us=%.3f l2_hit_p50_us=%.3f l1_hit_p99_us=%.3f l2_hit_p99_us=%.3f\n",
              median(l1_all), median(l2_all), quantile(l1_all, 0.99), quantile(l2_all, 0.99));
  caf::anon_send_exit(l1_actor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(l2_actor, caf::exit_reason::user_shutdown);
  fs::remove_all(a.dir, ec);
  return rc;
}

/// The nodes of one `runs` sample: K `troupe node` processes on 127.0.0.1.
class node_set {
public:
  node_set(const bench_args& a, const std::string& token, int generation) {
    for (int i = 0; i < a.nodes; ++i) {
      auto cache = fs::path{a.dir} / ("node-" + std::to_string(generation) + "-"
                                      + std::to_string(i));
      std::error_code ec;
      fs::remove_all(cache, ec);
      std::vector<std::string> args{"--workers", std::to_string(a.node_workers), "--profile",
                                    "cluster", "--name", "bench-node-" + std::to_string(i)};
      if (a.node_cache)
        args.insert(args.end(), {"--cache-dir", cache.string()});
      else
        args.emplace_back("--no-cache");
      nodes_.push_back(spawn_node(a.troupe, token, args));
    }
    for (auto& n : nodes_)
      ports_.push_back(n->wait_port("troupe node: listening on ", "troupe node"));
  }

  /// Waits until no node used CPU for 200 ms (at most 20 s): the L3 puts
  /// of a run that just ended are stored by then.
  void settle() const {
    auto end = clock_type::now() + 20s;
    std::vector<long long> before;
    for (const auto& n : nodes_)
      before.push_back(n->cpu_ticks());
    while (clock_type::now() < end) {
      std::this_thread::sleep_for(200ms);
      bool idle = true;
      for (std::size_t i = 0; i < nodes_.size(); ++i) {
        auto now = nodes_[i]->cpu_ticks();
        idle &= now == before[i];
        before[i] = now;
      }
      if (idle)
        return;
    }
  }

  std::vector<std::string> join_args() const {
    std::vector<std::string> out;
    for (auto p : ports_)
      out.insert(out.end(), {"--join", "127.0.0.1:" + std::to_string(p)});
    return out;
  }

private:
  std::vector<std::unique_ptr<child>> nodes_;
  std::vector<std::uint16_t> ports_;
};

/// The L3 and node figures of a run's report.json, as `name=value`.
std::string report_figures(const std::string& path) {
  std::string out;
  try {
    auto run = nlohmann::json::parse(slurp(path)).at("run");
    const auto& l3 = run.at("cache").at("l3");
    out += "l3_hits=" + std::to_string(l3.at("hits").get<long long>())
           + " l3_misses=" + std::to_string(l3.at("misses").get<long long>());
    long long remote_tasks = 0;
    for (const auto& n : run.at("nodes"))
      if (n.at("name").get<std::string>() != "local")
        remote_tasks += n.at("tasks").get<long long>();
    out += " remote_tasks=" + std::to_string(remote_tasks)
           + " nodes=" + std::to_string(run.at("nodes").size());
  } catch (const std::exception& e) {
    cli.fail(path + ": not a report with run.cache.l3 and run.nodes: " + e.what());
  }
  return out;
}

int runs(const bench_args& a) {
  auto token = random_token();
  int generation = 0;
  std::unique_ptr<node_set> nodes;
  if (!a.fresh_nodes)
    nodes = std::make_unique<node_set>(a, token, generation++);
  std::vector<double> seconds;
  std::string figures;
  for (int r = 0; r < a.warmups + a.reps; ++r) {
    if (a.fresh_nodes) {
      nodes.reset(); // the old ones stop first
      nodes = std::make_unique<node_set>(a, token, generation++);
    }
    // A fresh folder, kept afterwards: ext4 skips inodes freed in the last
    // seconds when it allocates, so deleting a run's thousands of record
    // files before the next run made that run's writes slow (measured: the
    // kernel's time in the run grew run after run).
    auto cache = fs::path{a.dir} / ("cache-" + std::to_string(::getpid()) + "-"
                                    + std::to_string(r));
    std::vector<std::string> args{a.troupe};
    for (const auto& x : a.run_args)
      args.push_back(x == "{cache}" ? cache.string() : x);
    auto joins = nodes->join_args();
    args.insert(args.end(), joins.begin(), joins.end());
    auto t0 = clock_type::now();
    child run{args, {{"TROUPE_TOKEN", token}}};
    int status = run.wait_exit(std::chrono::seconds{600});
    double s = std::chrono::duration<double>(clock_type::now() - t0).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      cli.fail("troupe run exited with status " + std::to_string(status) + ": "
           + run.stderr_text());
    if (!a.report.empty())
      figures = report_figures(a.report);
    // What the run left to do (its L3 puts on the nodes, its files' write
    // back) is done before the next run is timed.
    ::sync();
    nodes->settle();
    if (r < a.warmups)
      continue;
    seconds.push_back(s);
    std::printf("repetition %d: %.6f s %s\n", r - a.warmups + 1, s, figures.c_str());
  }
  if (!figures.empty())
    std::printf("%s\n", figures.c_str()); // the last timed run's
  std::printf("sample_s=%.9f\n", median(seconds));
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  std::error_code ec;
  auto self_exe = fs::read_symlink("/proc/self/exe", ec).string();
  if (a.serve_echo)
    return serve_echo();
  if (a.engine == "caf_remote")
    return caf_remote(a, self_exe);
  if (a.engine == "troupe_lane")
    return troupe_lane(a);
  if (a.engine == "runs")
    return runs(a);
  return tiers(a);
}
