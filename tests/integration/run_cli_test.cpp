// End-to-end tests of `troupe run` and the other commands, run as a process.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "troupe_process.hpp"

using namespace troupe::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// A copy of the Python fixtures plus the awkward things a real tree holds:
/// a binary file, a file that is not UTF-8, a symlink loop, a nested package.
fs::path make_tree(const fs::path& dir) {
  auto root = dir / "tree";
  fs::create_directories(root / "pkg" / "sub");
  for (auto& e : fs::directory_iterator{source_dir() / "tests/fixtures/python"})
    if (e.path().extension() == ".py")
      fs::copy_file(e.path(), root / e.path().filename());
  std::ofstream{root / "pkg" / "sub" / "deep.py"} << "class Deep:\n    def m(self):\n        pass\n";
  std::ofstream{root / "pkg" / "binary.py", std::ios::binary} << std::string("x = 1\0\0\x01", 8);
  std::ofstream{root / "pkg" / "latin.py", std::ios::binary} << "s = '\xe9t\xe9'\n";
  fs::create_directory_symlink("..", root / "pkg" / "loop");
  return root;
}

json load_json(const fs::path& p) {
  std::ifstream in{p};
  return json::parse(in);
}

} // namespace

TEST_CASE("troupe run matches Python's ast on the fixtures", "[integration][run]") {
  temp_dir tmp;
  auto root = make_tree(tmp.path);
  auto report_path = tmp.path / "out" / "report.json";
  auto r = run({troupe_binary(), "run", root.string(), "--workers", "2", "--no-cache", "--json",
                report_path.string(), "--out", (tmp.path / "out").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("troupe run:") != std::string::npos);
  auto report = load_json(report_path);
  auto expected = load_json(source_dir() / "tests/fixtures/python/expected_symbols.json");

  std::map<std::string, json> by_path;
  for (auto& f : report["files"])
    by_path[f["path"].get<std::string>()] = f;
  REQUIRE_FALSE(expected["files"].empty());
  for (auto& [path, want] : expected["files"].items()) {
    INFO("file " << path);
    REQUIRE(by_path.count(path) == 1);
    auto& got = by_path[path];
    for (const char* kind : {"functions", "classes"}) {
      INFO(kind);
      REQUIRE(got[kind].size() == want[kind].size());
      for (std::size_t i = 0; i < want[kind].size(); ++i)
        for (const char* key : {"qualname", "name", "line", "end_line"})
          CHECK(got[kind][i][key] == want[kind][i][key]);
    }
  }
  // Files Python rejects still get a report entry, with their errors counted.
  for (auto& [path, reason] : expected["unparsed"].items()) {
    INFO("unparsed " << path << ": " << reason);
    REQUIRE(by_path.count(path) == 1);
    if (by_path[path]["state"] == "parsed")
      CHECK(by_path[path]["parse_errors"].get<int>() > 0);
  }
  CHECK(by_path.at("pkg/binary.py")["state"] == "binary");
  CHECK(by_path.at("pkg/latin.py")["state"] == "not_utf8");
  CHECK(by_path.at("pkg/sub/deep.py")["classes"][0]["qualname"] == "Deep");
  CHECK(by_path.count("pkg/loop/pkg/sub/deep.py") == 0);
  CHECK(report["run"]["skipped_files"]["binary"] == 1);
  CHECK(report["run"]["skipped_files"]["not_utf8"] == 1);
  CHECK(report["run"]["workers"] == 2);
  CHECK(report["run"]["files"] == report["files"].size());
  CHECK(report["run"]["complete"] == true);
  CHECK(r.err.find("pkg/binary.py") != std::string::npos);
}

TEST_CASE("the report does not depend on the number of workers", "[integration][run]") {
  temp_dir tmp;
  auto root = make_tree(tmp.path);
  auto one = tmp.path / "one.json";
  auto two = tmp.path / "two.json";
  // Each run its own output folder: tests run in parallel share the working
  // directory, where the default one would be.
  REQUIRE(run({troupe_binary(), "run", root.string(), "--workers", "1", "--no-cache", "--json",
               one.string(), "--out", (tmp.path / "out1").string()})
            .exit_code == 0);
  REQUIRE(run({troupe_binary(), "run", root.string(), "--workers", "2", "--no-cache", "--json",
               two.string(), "--out", (tmp.path / "out2").string()})
            .exit_code == 0);
  auto a = load_json(one);
  auto b = load_json(two);
  CHECK(a["files"] == b["files"]);
}

TEST_CASE("a missing directory is a usage error", "[integration][cli]") {
  temp_dir tmp;
  auto r = run({troupe_binary(), "run", (tmp.path / "nope").string(), "--out",
                (tmp.path / "out").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("nope") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.path / "out"));
}

TEST_CASE("a bad profile stops the run before it starts", "[integration][cli]") {
  temp_dir tmp;
  auto profile = tmp.path / "bad.yaml";
  std::ofstream{profile} << "parallel:\n  wokers: 2\n";
  auto r = run({troupe_binary(), "run", (source_dir() / "tests/fixtures/python").string(),
                "--profile", profile.string(), "--out", (tmp.path / "out").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.yaml:2:3: parallel.wokers") != std::string::npos);
  CHECK(r.err.find("did you mean 'workers'") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.path / "out"));
  auto v = run({troupe_binary(), "validate", profile.string()});
  CHECK(v.exit_code == 2);
  auto ok = run({troupe_binary(), "validate",
                 (source_dir() / "config/profiles/balanced.yaml").string()});
  CHECK(ok.exit_code == 0);
}

TEST_CASE("config show and diff print settings", "[integration][cli]") {
  auto show = run({troupe_binary(), "config", "show", "cluster"});
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("l3_enabled: true") != std::string::npos);
  auto diff = run({troupe_binary(), "config", "diff", "balanced", "cluster"});
  REQUIRE(diff.exit_code == 0);
  CHECK(diff.out.find("cache.l3_enabled: false -> true") != std::string::npos);
  auto missing = run({troupe_binary(), "config", "show", "no-such-profile"});
  CHECK(missing.exit_code == 2);
}

TEST_CASE("agents --dot prints the 23-agent DAG", "[integration][cli]") {
  auto r = run({troupe_binary(), "agents", "--dot"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("digraph", 0) == 0);
  std::size_t nodes = 0;
  for (std::size_t pos = 0; (pos = r.out.find("[tooltip=", pos)) != std::string::npos; ++pos)
    ++nodes;
  CHECK(nodes == 23);
  CHECK(r.out.find("\"import_graph\" -> \"import_cycles\"") != std::string::npos);
}

TEST_CASE("SIGINT stops a run, writes an incomplete report, exits 130",
          "[integration][cancel]") {
  temp_dir tmp;
  auto report_path = tmp.path / "report.json";
  // The corpus takes seconds; interrupt it early.
  auto pid = spawn({troupe_binary(), "run", "/usr/lib/python3.11", "--workers", "1",
                    "--no-cache", "--json", report_path.string()},
                   tmp.path);
  // Once the analysis runs: its first progress line (2 s in). A fixed delay
  // of 600 ms came before main under AddressSanitizer, whose start-up alone
  // took 0.8 s on the 2-core machine (a SIGINT then ends the process before
  // it has a handler: no report).
  eventually([&] { return slurp(tmp.path / "stderr").find("progress") != std::string::npos; },
             std::chrono::seconds(60));
  auto sent = std::chrono::steady_clock::now();
  kill(pid, SIGINT);
  auto r = wait_for(pid, tmp.path);
  auto stop_time = std::chrono::steady_clock::now() - sent;
  INFO(r.err);
  CHECK(r.exit_code == 130);
  CHECK(stop_time < std::chrono::seconds(2));
  auto report = load_json(report_path);
  CHECK(report["run"]["complete"] == false);
  std::size_t pending = 0;
  for (auto& f : report["files"])
    pending += f["state"] == "pending";
  CHECK(pending > 0);
}
