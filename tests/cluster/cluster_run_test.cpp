// `troupe run` across real `troupe node` processes: --join of a cluster of
// three, the loss of a node mid-run (kill -9, SIGSTOP), and worker
// processes (parallel.worker_type: process). Each run's report must equal
// a single-process run's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>

#include <nlohmann/json.hpp>

#include "node_process.hpp"
#include "run_fixture.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using troupe::test::child_process;
using troupe::test::eventually;
using troupe::test::node_process;
using troupe::test::scratch_dir;
using troupe::test::slurp;
using troupe::test::troupe_binary;
using troupe::test::content_of;
using troupe::test::write_tree;

namespace {

const std::string token = "cluster-run-test-token";

std::vector<std::string> run_args(const fs::path& root, const fs::path& out,
                                  std::vector<std::string> extra) {
  std::vector<std::string> args{troupe_binary(), "run", root.string(), "--no-cache", "--out",
                                out.string(), "-q", "--token", token};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

/// The report content of a single-process run of DIR/src (into DIR/alone).
nlohmann::json run_alone(const fs::path& dir) {
  child_process alone{run_args(dir / "src", dir / "alone", {})};
  REQUIRE(alone.reap(120s) == 0);
  return content_of(dir / "alone" / "report.json");
}

/// DIR/NAME: the balanced profile with cache.l3_enabled, then `more` (YAML).
fs::path l3_profile(const fs::path& dir, const char* name, const std::string& more = "") {
  auto path = dir / name;
  std::ofstream{path} << "extends: balanced\ncache:\n  l3_enabled: true\n" << more;
  return path;
}

/// A cached run of DIR/src into DIR/OUT with the cache folder DIR/CACHE,
/// joined to `join`, with `extra` arguments.
std::vector<std::string> cached_run(const fs::path& dir, const char* out, const char* cache,
                                    const fs::path& profile, const std::string& join,
                                    std::vector<std::string> extra = {}) {
  std::vector<std::string> args{troupe_binary(), "run", (dir / "src").string(), "--out",
                                (dir / out).string(), "-q", "--token", token, "--cache-dir",
                                (dir / cache).string(), "--profile", profile.string(),
                                "--join", join};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

/// Three nodes of one cluster: the second and third join the first.
struct cluster_of_three {
  std::vector<std::unique_ptr<node_process>> nodes;
  cluster_of_three() {
    nodes.push_back(std::make_unique<node_process>(std::vector<std::string>{"--token", token}));
    REQUIRE(nodes[0]->wait_listening());
    for (int i = 1; i < 3; ++i) {
      nodes.push_back(std::make_unique<node_process>(
        std::vector<std::string>{"--token", token, "--join", nodes[0]->address()}));
      REQUIRE(nodes[i]->wait_listening());
    }
  }
};

/// Tasks the node at `port` ran so far (its health), or -1.
long tasks_done(troupe::test::client& c, std::uint16_t port) {
  auto j = c.join(port, token);
  if (!j)
    return -1;
  auto h = c.health(*j);
  return h ? static_cast<long>(h->tasks_done) : -1;
}

/// PIDs of running processes whose command line contains `needle`.
std::vector<int> processes_with(const std::string& needle) {
  std::vector<int> out;
  for (const auto& e : fs::directory_iterator{"/proc"}) {
    auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    auto cmd = slurp(e.path() / "cmdline");
    for (auto& ch : cmd)
      if (ch == '\0')
        ch = ' ';
    auto stat = slurp(e.path() / "stat");
    bool zombie = stat.find(") Z ") != std::string::npos;
    if (!zombie && cmd.find(needle) != std::string::npos)
      out.push_back(std::stoi(name));
  }
  return out;
}

} // namespace

TEST_CASE("a run across a cluster of three equals one process's, and survives kill -9 of a "
          "node mid-run",
          "[cluster][run]") {
  scratch_dir dir;
  write_tree(dir.path / "src", 900);
  auto expected = run_alone(dir.path);

  cluster_of_three cluster;
  troupe::test::client c;
  child_process run{run_args(dir.path / "src", dir.path / "joined",
                             {"--join", cluster.nodes[0]->address()})};
  // Once the third node has answered work, it is killed.
  REQUIRE(eventually([&] { return tasks_done(c, cluster.nodes[2]->port()) > 0 || !run.running(); },
                     60s));
  REQUIRE(run.running()); // else the tree is too small to test a loss mid-run
  auto killed_at = std::chrono::steady_clock::now();
  cluster.nodes[2]->process().signal(SIGKILL);
  // The run sees the loss (its log names the node) within 2 s.
  bool seen = eventually(
    [&] { return run.err().find("node " + cluster.nodes[2]->address() + " lost") != std::string::npos
                 || !run.running(); },
    10s);
  auto seen_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at);
  INFO("run stderr: " << run.err());
  REQUIRE(run.reap(120s) == 0);
  CHECK(seen);
  CHECK(run.err().find("lost") != std::string::npos);
  WARN("kill -9 seen after " << seen_after.count() << " s");
  CHECK(seen_after.count() < 2.0);

  auto report = nlohmann::json::parse(slurp(dir.path / "joined" / "report.json"));
  const auto& nodes = report["run"]["nodes"];
  REQUIRE(nodes.size() == 4); // this process and the three members
  CHECK(nodes[0]["name"] == "local");
  int lost = 0;
  long remote_tasks = 0;
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    remote_tasks += nodes[i]["tasks"].get<long>();
    CHECK(nodes[i]["bytes_sent"].get<long>() >= 0);
    if (nodes[i]["lost"].get<bool>()) {
      ++lost;
      CHECK(nodes[i]["name"] == cluster.nodes[2]->address());
    }
  }
  CHECK(lost == 1);
  CHECK(remote_tasks > 0);
  CHECK(content_of(dir.path / "joined" / "report.json") == expected);
}

TEST_CASE("a paused node (SIGSTOP) is lost through heartbeats and its work redone elsewhere",
          "[cluster][run]") {
  scratch_dir dir;
  write_tree(dir.path / "src", 600);
  auto expected = run_alone(dir.path);

  node_process a{{"--token", token}};
  REQUIRE(a.wait_listening());
  node_process b{{"--token", token, "--join", a.address()}};
  REQUIRE(b.wait_listening());
  troupe::test::client c;
  child_process run{run_args(dir.path / "src", dir.path / "joined", {"--join", a.address()})};
  REQUIRE(eventually([&] { return tasks_done(c, b.port()) > 0 || !run.running(); }, 60s));
  REQUIRE(run.running());
  auto stopped_at = std::chrono::steady_clock::now();
  b.process().signal(SIGSTOP);
  bool seen = eventually(
    [&] { return run.err().find("node " + b.address() + " lost") != std::string::npos
                 || !run.running(); },
    20s);
  auto seen_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped_at);
  INFO("run stderr: " << run.err());
  int code = run.reap(120s);
  b.process().signal(SIGCONT);
  REQUIRE(code == 0);
  CHECK(seen);
  WARN("SIGSTOP seen after " << seen_after.count() << " s");
  CHECK(seen_after.count() < 2.0);
  CHECK(content_of(dir.path / "joined" / "report.json") == expected);
}

TEST_CASE("parallel.worker_type: process starts node processes, uses them and leaves none",
          "[cluster][run]") {
  scratch_dir dir;
  write_tree(dir.path / "src", 150);
  auto expected = run_alone(dir.path);
  auto profile = dir.path / "procs.yaml";
  std::ofstream{profile} << "extends: balanced\nparallel:\n  workers: 2\n  worker_type: process\n";

  SECTION("a run to its end") {
    child_process run{run_args(dir.path / "src", dir.path / "procs",
                               {"--profile", profile.string()})};
    INFO("run stderr: " << slurp(run.err_file()));
    REQUIRE(run.reap(120s) == 0);
    auto report = nlohmann::json::parse(slurp(dir.path / "procs" / "report.json"));
    const auto& nodes = report["run"]["nodes"];
    REQUIRE(nodes.size() == 3);
    // The file stage ran on the node processes, none of it here.
    long remote = nodes[1]["tasks"].get<long>() + nodes[2]["tasks"].get<long>();
    CHECK(remote > 0);
    CHECK(content_of(dir.path / "procs" / "report.json") == expected);
    CHECK(processes_with(profile.string()).empty());
  }
  SECTION("Ctrl-C stops the run and its node processes") {
    child_process run{run_args(dir.path / "src", dir.path / "procs",
                               {"--profile", profile.string()})};
    REQUIRE(eventually([&] { return processes_with(profile.string()).size() >= 3; }, 30s));
    run.signal(SIGINT);
    auto code = run.reap(30s);
    CHECK((code == 130 || code == 0)); // 0: it finished first
    CHECK(eventually([&] { return processes_with(profile.string()).empty(); }, 5s));
  }
  SECTION("kill -9 of the run takes its node processes with it") {
    child_process run{run_args(dir.path / "src", dir.path / "procs",
                               {"--profile", profile.string()})};
    REQUIRE(eventually([&] { return processes_with(profile.string()).size() >= 3; }, 30s));
    run.signal(SIGKILL);
    run.reap(10s);
    CHECK(eventually([&] { return processes_with(profile.string()).empty(); }, 5s));
  }
}

TEST_CASE("a node stops at once on SIGTERM while the run it serves is killed", "[cluster][run]") {
  // The node's lanes are busy with the run's files when both go: the lanes'
  // last answers and their down messages are still on their way through
  // CAF's BASP broker (troupe::detail::lane_census). Before the node waited
  // for them, its actor system waited forever for such a lane in about a
  // third of these trials (its 5 s safety net then ended the process).
  scratch_dir dir;
  write_tree(dir.path / "src", 150, 300); // ~80 KB per file: a lane is mid-batch
  for (int trial = 0; trial < 5; ++trial) {
    INFO("trial " << trial);
    auto tag = std::to_string(trial);
    node_process node{{"--token", token, "--cache-dir", (dir.path / ("node-" + tag)).string()}};
    REQUIRE(node.wait_listening());
    child_process run{{troupe_binary(), "run", (dir.path / "src").string(), "--out",
                       (dir.path / ("out-" + tag)).string(), "-q", "--token", token,
                       "--cache-dir", (dir.path / ("run-" + tag)).string(), "--join",
                       node.address()}};
    REQUIRE(eventually([&] { return node.err().find("opened") != std::string::npos; }, 20s));
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + 60 * trial));
    run.signal(SIGKILL);
    node.process().signal(SIGTERM);
    auto stopping = std::chrono::steady_clock::now();
    CHECK(node.process().reap(10s) == 0);
    auto took = std::chrono::steady_clock::now() - stopping;
    INFO(node.err());
    CHECK(took < 3s);
    CHECK(node.err().find("did not stop") == std::string::npos);
    run.reap(10s);
  }
}

TEST_CASE("a run refuses what it cannot join, naming it", "[cluster][run]") {
  scratch_dir dir;
  write_tree(dir.path / "src", 3);
  SECTION("a bad address") {
    child_process run{run_args(dir.path / "src", dir.path / "o", {"--join", "nowhere"})};
    CHECK(run.reap(30s) == 2);
    CHECK(run.err().find("--join") != std::string::npos);
  }
  SECTION("nobody listening") {
    child_process run{run_args(dir.path / "src", dir.path / "o", {"--join", "127.0.0.1:1"})};
    CHECK(run.reap(30s) == 69);
    CHECK(run.err().find("127.0.0.1:1") != std::string::npos);
  }
  SECTION("a wrong token") {
    node_process a{{"--token", "another-token"}};
    REQUIRE(a.wait_listening());
    child_process run{run_args(dir.path / "src", dir.path / "o", {"--join", a.address()})};
    CHECK(run.reap(30s) == 2);
    CHECK(run.err().find("token") != std::string::npos);
  }
}

TEST_CASE("with cache.l3_enabled a node with an empty cache is answered by the others' L3 "
          "shards",
          "[cluster][run][l3]") {
  scratch_dir dir;
  write_tree(dir.path / "src", 120);
  auto expected = run_alone(dir.path);
  auto profile = l3_profile(dir.path, "l3.yaml");
  auto with_cache = [&](const char* name) {
    return std::vector<std::string>{"--token", token, "--cache-dir",
                                    (dir.path / name).string()};
  };
  // Per-file records only: no run memo.
  auto records_run = [&](const char* out, const char* cache, const std::string& join,
                         const fs::path& with = {}) {
    return cached_run(dir.path, out, cache, with.empty() ? profile : with, join,
                      {"--no-run-memo"});
  };
  node_process a{with_cache("cache-a")};
  REQUIRE(a.wait_listening());
  node_process b{[&] {
    auto args = with_cache("cache-b");
    args.insert(args.end(), {"--join", a.address()});
    return args;
  }()};
  REQUIRE(b.wait_listening());
  child_process first{records_run("first", "run-1", a.address())};
  INFO("first run: " << slurp(first.err_file()));
  REQUIRE(first.reap(120s) == 0);
  CHECK(content_of(dir.path / "first" / "report.json") == expected);

  // A newcomer with an empty cache, and a run with an empty cache.
  node_process c{[&] {
    auto args = with_cache("cache-c");
    args.insert(args.end(), {"--join", a.address()});
    return args;
  }()};
  REQUIRE(c.wait_listening());
  child_process second{records_run("second", "run-2", c.address())};
  INFO("second run: " << slurp(second.err_file()));
  REQUIRE(second.reap(120s) == 0);
  CHECK(content_of(dir.path / "second" / "report.json") == expected);
  auto report = nlohmann::json::parse(slurp(dir.path / "second" / "report.json"));
  REQUIRE(report["run"]["nodes"].size() == 4);
  // The newcomer's tasks found their records: in its L3 tier, whose shards
  // live on the three nodes and answered hits.
  troupe::test::client cl;
  std::uint64_t shard_hits = 0;
  for (auto* n : {&a, &b, &c}) {
    auto j = cl.join(n->port(), token);
    REQUIRE(j);
    auto h = cl.health(*j);
    REQUIRE(h);
    shard_hits += h->l3.hits;
  }
  // This run's own slots and the newcomer started cold: what they found
  // came from L3 (the first run's records were never in their L1 or L2).
  long cold_hits = 0;
  for (const auto& n : report["run"]["nodes"])
    if (n["name"] == c.address() || n["name"] == "local")
      cold_hits += n["cache_hits"].get<long>();
  WARN("L3 shard hits " << shard_hits << ", cache hits of the cold slots " << cold_hits);
  CHECK(shard_hits > 0);
  CHECK(cold_hits > 0);
  CHECK(report["run"]["cache"]["l3"]["hits"].get<long>() + cold_hits > 0);
  // `troupe cache stats --join` shows the L3 side: every shard of the cluster.
  child_process stats{{troupe_binary(), "cache", "stats", "--cache-dir",
                       (dir.path / "run-2").string(), "--join", a.address(), "--token", token}};
  REQUIRE(stats.reap(30s) == 0);
  auto text = stats.out();
  INFO(text);
  CHECK(text.find("L3 (3 shards") != std::string::npos);
  CHECK(text.find("  total: ") != std::string::npos);
  CHECK(text.find(c.address()) != std::string::npos);

  // nodes.lend_workers: false: the nodes serve L3 only, this process runs
  // every task, and its empty cache is filled from the shards (those keys
  // the newcomer's shard took over since the first run are misses: the
  // second run found them in its nodes' L2, which puts nothing in L3).
  auto l3_only = l3_profile(dir.path, "l3-only.yaml", "nodes:\n  lend_workers: false\n");
  child_process third{records_run("third", "run-3", a.address(), l3_only)};
  INFO("third run: " << slurp(third.err_file()));
  REQUIRE(third.reap(120s) == 0);
  CHECK(content_of(dir.path / "third" / "report.json") == expected);
  auto only = nlohmann::json::parse(slurp(dir.path / "third" / "report.json"));
  REQUIRE(only["run"]["nodes"].size() == 1);
  CHECK(only["run"]["nodes"][0]["name"] == "local");
  CHECK(only["run"]["cache"]["l3"]["hits"].get<long>()
        > only["run"]["cache"]["l3"]["misses"].get<long>());
}

TEST_CASE("a run memo one node's run stored answers a run with an empty cache folder "
          "through L3",
          "[cluster][run][l3]") {
  scratch_dir dir;
  write_tree(dir.path / "src", 40);
  auto expected = run_alone(dir.path);
  auto profile = l3_profile(dir.path, "l3.yaml", "nodes:\n  lend_workers: false\n");
  node_process a{{"--token", token, "--cache-dir", (dir.path / "cache-a").string()}};
  REQUIRE(a.wait_listening());
  // A cold run stores its memo, in its own cache folder and in L3.
  child_process first{cached_run(dir.path, "first", "run-1", profile, a.address())};
  INFO("first run: " << slurp(first.err_file()));
  REQUIRE(first.reap(120s) == 0);
  auto first_report = nlohmann::json::parse(slurp(dir.path / "first" / "report.json"));
  CHECK(first_report["run"]["cache"]["run_memo"] != "hit");
  // Another cache folder, another output folder: the memo comes from L3.
  child_process second{cached_run(dir.path, "second", "run-2", profile, a.address())};
  INFO("second run: " << slurp(second.err_file()));
  REQUIRE(second.reap(120s) == 0);
  CHECK(content_of(dir.path / "second" / "report.json") == expected);
  auto report = nlohmann::json::parse(slurp(dir.path / "second" / "report.json"));
  CHECK(report["run"]["cache"]["run_memo"] == "hit");
  CHECK(report["run"]["cache"]["l3"]["hits"] == 1);
  CHECK(report["run"]["cache"]["l2"]["hits"] == 0);
  // The hit filled the run's own cache folder: without the node, the same
  // folder answers the next run from L2.
  child_process third{{troupe_binary(), "run", (dir.path / "src").string(), "--out",
                       (dir.path / "third").string(), "-q", "--cache-dir",
                       (dir.path / "run-2").string()}};
  INFO("third run: " << slurp(third.err_file()));
  REQUIRE(third.reap(120s) == 0);
  auto local = nlohmann::json::parse(slurp(dir.path / "third" / "report.json"));
  CHECK(content_of(dir.path / "third" / "report.json") == expected);
  CHECK(local["run"]["cache"]["run_memo"] == "hit");
  CHECK(local["run"]["cache"]["l2"]["hits"] == 1);
}

TEST_CASE("a run without a cache uses no node's cache either", "[cluster][run]") {
  scratch_dir dir;
  write_tree(dir.path / "src", 120);
  auto expected = run_alone(dir.path);
  // A cache folder holding every file's records, then a node serving it.
  child_process seed{{troupe_binary(), "run", (dir.path / "src").string(), "--out",
                      (dir.path / "seed").string(), "-q", "--no-run-memo", "--cache-dir",
                      (dir.path / "cache").string()}};
  REQUIRE(seed.reap(120s) == 0);
  node_process a{{"--token", token, "--workers", "2", "--cache-dir",
                  (dir.path / "cache").string()}};
  REQUIRE(a.wait_listening());
  // The same files, --no-cache: the node computes what it is sent.
  child_process run{run_args(dir.path / "src", dir.path / "out", {"--join", a.address()})};
  INFO("run: " << slurp(run.err_file()));
  REQUIRE(run.reap(120s) == 0);
  CHECK(content_of(dir.path / "out" / "report.json") == expected);
  auto report = nlohmann::json::parse(slurp(dir.path / "out" / "report.json"));
  REQUIRE(report["run"]["nodes"].size() == 2);
  CHECK(report["run"]["nodes"][1]["tasks"].get<long>() > 0);
  CHECK(report["run"]["nodes"][1]["cache_hits"] == 0);
}

TEST_CASE("placement sends a file's task to the node whose cache holds its records",
          "[cluster][run][placement]") {
  scratch_dir dir;
  write_tree(dir.path / "src", 300);
  auto expected = run_alone(dir.path);
  // Nodes with a cache folder of their own (node_process's defaults have none).
  auto node_with_cache = [&](const char* name) {
    return std::vector<std::string>{"--listen", "127.0.0.1:0", "--workers", "1", "--token",
                                    token, "--cache-dir", (dir.path / name).string()};
  };
  node_process a{node_with_cache("cache-a"), {}, false};
  REQUIRE(a.wait_listening());
  node_process b{node_with_cache("cache-b"), {}, false};
  REQUIRE(b.wait_listening());
  auto placed_run = [&](const char* out, std::vector<std::string> joins) {
    std::vector<std::string> args{troupe_binary(), "run", (dir.path / "src").string(), "--out",
                                  (dir.path / out).string(), "-q", "--token", token,
                                  "--no-run-memo", "--cache-dir", (dir.path / "run").string()};
    for (const auto& j : joins)
      args.insert(args.end(), {"--join", j});
    return args;
  };
  // The first run splits the files between this process's cache and a's.
  child_process first{placed_run("first", {a.address()})};
  INFO("first run: " << slurp(first.err_file()));
  REQUIRE(first.reap(120s) == 0);
  auto one = nlohmann::json::parse(slurp(dir.path / "first" / "report.json"));
  REQUIRE(one["run"]["nodes"].size() == 2);
  REQUIRE(one["run"]["nodes"][1]["tasks"].get<long>() > 0); // else nothing to place
  REQUIRE(one["run"]["nodes"][0]["tasks"].get<long>() > 0);

  // The second run also has b, whose cache is empty: each file goes where
  // its records are, so (almost) nothing is computed again. Misses left:
  // shards whose files were split between the two caches (the shards of
  // this run need not be the first run's).
  child_process second{placed_run("second", {a.address(), b.address()})};
  INFO("second run: " << slurp(second.err_file()));
  REQUIRE(second.reap(120s) == 0);
  CHECK(content_of(dir.path / "second" / "report.json") == expected);
  auto two = nlohmann::json::parse(slurp(dir.path / "second" / "report.json"));
  long hits = -1, misses = -1;
  for (const auto& row : two["agents"])
    if (row["id"] == "symbols") {
      hits = row["cache_hits"].get<long>();
      misses = row["cache_misses"].get<long>();
    }
  REQUIRE(hits >= 0);
  WARN("second run: " << hits << " files found cached, " << misses << " computed; node b "
                      << two["run"]["nodes"][2]["tasks"] << " tasks");
  CHECK(misses * 10 <= hits + misses);
  CHECK(two["run"]["nodes"][2]["cache_hits"].get<long>() == 0); // b held nothing
}

TEST_CASE("nodes.lend_workers: false with worker processes is refused, naming both",
          "[cluster][run]") {
  scratch_dir dir;
  write_tree(dir.path / "src", 3);
  auto profile = dir.path / "p.yaml";
  std::ofstream{profile}
    << "extends: balanced\nparallel:\n  worker_type: process\nnodes:\n  lend_workers: false\n";
  child_process run{run_args(dir.path / "src", dir.path / "o", {"--profile", profile.string()})};
  CHECK(run.reap(30s) == 2);
  CHECK(run.err().find("nodes.lend_workers") != std::string::npos);
  CHECK(run.err().find("parallel.worker_type: process") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "o" / "report.json"));
}
