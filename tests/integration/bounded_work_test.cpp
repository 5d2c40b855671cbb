// Bounded work per file: a file whose parse needs more time or memory than a
// file may take is skipped (state over_budget, counted, never retried) while
// the run goes on; SIGINT stops a run inside a slow parse within a second;
// parallel.memory_limit holds for the peak RSS of a whole run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "sanitized.hpp"
#include "test_skip.hpp"
#include "troupe_process.hpp"

using namespace troupe::test;
namespace fs = std::filesystem;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

/// Valid Python that the grammar's scanner parses in time quadratic in
/// `lines` (60,000: about a minute without a budget).
void write_continuations(const fs::path& path, std::size_t lines) {
  std::ofstream out{path};
  out << "def f():\n    x = 1";
  for (std::size_t i = 0; i < lines; ++i)
    out << " \\\n";
  out << "\n    return x\n";
}

/// `x = 1+1+...`: ~150 bytes of parse memory per source byte.
void write_long_sum(const fs::path& path, std::size_t terms) {
  std::ofstream out{path};
  out << "x = 1";
  for (std::size_t i = 1; i < terms; ++i)
    out << "+1";
  out << "\n";
}

void write_ordinary(const fs::path& dir) {
  std::ofstream{dir / "ok.py"} << "def f(a):\n    return a + 1\n";
  std::ofstream{dir / "other.py"} << "import ok\n\nclass C:\n    def m(self):\n        pass\n";
}

json load_json(const fs::path& p) {
  std::ifstream in{p};
  return json::parse(in);
}

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

} // namespace

TEST_CASE("a file over its parse time is skipped, never retried, and the run goes on",
          "[integration][budget]") {
  temp_dir tmp;
  auto root = tmp.path / "tree";
  fs::create_directories(root);
  write_ordinary(root);
  write_continuations(root / "slow.py", 60'000);
  auto profile = tmp.path / "budget.yaml";
  std::ofstream{profile} << "agents:\n  file_timeout: 1s\n  task_timeout: 5s\n";
  auto started = clock_type::now();
  auto r = run({troupe_binary(), "run", root.string(), "--no-cache", "--profile",
                profile.string(), "--out", (tmp.path / "out").string()});
  auto took = seconds_since(started);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(took < 15); // the budget is 1 s; the parse alone would take a minute
  auto report = load_json(tmp.path / "out" / "report.json");
  CHECK(report["run"]["skipped_files"]["over_budget"] == 1);
  for (auto& f : report["files"]) {
    INFO(f["path"]);
    if (f["path"] == "slow.py") {
      CHECK(f["state"] == "over_budget");
      CHECK(f["detail"].get<std::string>().find("agents.file_timeout 1s") != std::string::npos);
    } else {
      CHECK(f["state"] == "parsed");
    }
  }
  for (auto& a : report["agents"]) {
    INFO(a["id"]);
    // deps_lookup is skipped without a package index, the code generators
    // when no generation is asked for; nothing failed.
    bool skips = a["id"] == "deps_lookup" || a["id"] == "codegen_tests"
                 || a["id"] == "codegen_docs";
    CHECK(a["status"] == (skips ? "skipped" : "done"));
    // One attempt per task (the report agent has none): nothing retried.
    CHECK(a["attempts"].get<int>() <= std::max(1, a.value("tasks", 1)));
  }
  CHECK(r.err.find("slow.py: skipped (over_budget)") != std::string::npos);
}

TEST_CASE("SIGINT stops a run inside a slow parse within a second", "[integration][budget]") {
  temp_dir tmp;
  auto root = tmp.path / "tree";
  fs::create_directories(root);
  write_ordinary(root);
  write_continuations(root / "slow.py", 60'000);
  auto pid = spawn({troupe_binary(), "run", root.string(), "--no-cache", "--workers", "1",
                    "--out", (tmp.path / "out").string()},
                   tmp.path);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // inside the parse by now
  auto sent = clock_type::now();
  kill(pid, SIGINT);
  auto r = wait_for(pid, tmp.path);
  auto stop_s = seconds_since(sent);
  INFO(r.err);
  CHECK(r.exit_code == 130);
  CHECK(stop_s < 1.0);
  auto report = load_json(tmp.path / "out" / "report.json");
  CHECK(report["run"]["complete"] == false);
}

TEST_CASE("parallel.memory_limit holds for the peak RSS of a run", "[integration][budget]") {
  if (troupe::test::memory_shadowed)
    TROUPE_SKIP("peak RSS is not the run's own under a sanitizer (shadow memory)");
  temp_dir tmp;
  auto root = tmp.path / "tree";
  fs::create_directories(root);
  write_ordinary(root);
  // Four files of ~1 MB, each ~150 MB to parse: ~600 MB unbounded with
  // four workers, far over the limit.
  for (int i = 0; i < 4; ++i)
    write_long_sum(root / ("sum" + std::to_string(i) + ".py"), 500'000);
  auto profile = tmp.path / "limit.yaml";
  constexpr std::uint64_t limit = 128ull << 20;
  std::ofstream{profile} << "parallel:\n  memory_limit: 128MiB\ncache:\n  l1_size: 32MiB\n";
  auto r = run({troupe_binary(), "run", root.string(), "--no-cache", "--workers", "4",
                "--profile", profile.string(), "--out", (tmp.path / "out").string()});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  INFO("peak RSS " << (r.peak_rss_bytes >> 20) << " MiB");
  CHECK(r.peak_rss_bytes > 0);
  CHECK(r.peak_rss_bytes <= limit);
  auto report = load_json(tmp.path / "out" / "report.json");
  CHECK(report["run"]["skipped_files"]["over_budget"] == 4);
  std::size_t parsed = 0;
  for (auto& f : report["files"])
    parsed += f["state"] == "parsed";
  CHECK(parsed == 2);
}
