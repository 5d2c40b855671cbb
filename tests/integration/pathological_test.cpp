// The pathological input set (tests/tools/make_pathological.py: deep nesting,
// long lines and expressions, huge string literals, runs the grammar's
// scanner walks quadratically, many tiny files, odd names, binary bytes, a
// file at the size limit): every case's run finishes within its budget, with
// its peak RSS under parallel.memory_limit, a valid report and the ordinary
// file of the case analysed. Prints time and peak RSS per case.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sanitized.hpp"
#include "test_skip.hpp"
#include "troupe_process.hpp"

using namespace troupe::test;
namespace fs = std::filesystem;

TEST_CASE("every pathological input finishes within its budget and memory",
          "[integration][pathological]") {
  if (troupe::test::memory_shadowed)
    TROUPE_SKIP("peak RSS and parse times are not the run's own under a sanitizer");
  if (run({"/usr/bin/python3", "-c", "pass"}).exit_code != 0)
    TROUPE_SKIP("/usr/bin/python3 is not installed");
  temp_dir tmp;
  auto set = tmp.path / "set";
  auto made = run({"/usr/bin/python3", (source_dir() / "tests/tools/make_pathological.py").string(),
                   set.string()});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  // A file may take 2 s to parse; a run, its slowest file and the start,
  // the ordinary file and the report on a loaded two-core machine.
  constexpr double file_timeout_s = 2;
  constexpr double run_budget_s = file_timeout_s + 8;
  constexpr std::uint64_t memory_limit = 256ull << 20;
  auto profile = tmp.path / "budget.yaml";
  std::ofstream{profile} << "agents:\n  file_timeout: 2s\n  task_timeout: 10s\n"
                            "parallel:\n  memory_limit: 256MiB\ncache:\n  l1_size: 64MiB\n";
  std::vector<fs::path> cases;
  for (auto& e : fs::directory_iterator{set})
    cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 20);
  double worst_s = 0;
  std::uint64_t worst_rss = 0;
  std::printf("%-26s %8s %10s  %s\n", "case", "wall s", "peak MiB", "skipped");
  for (const auto& c : cases) {
    auto name = c.filename().string();
    INFO("case " << name);
    auto out = tmp.path / "out" / name;
    auto started = std::chrono::steady_clock::now();
    auto r = run({troupe_binary(), "run", c.string(), "--no-cache", "--quiet", "--profile",
                  profile.string(), "--out", out.string()});
    auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(r.err.substr(0, 2000));
    CHECK(r.exit_code == 0);
    CHECK(took < run_budget_s);
    CHECK(r.peak_rss_bytes <= memory_limit);
    worst_s = std::max(worst_s, took);
    worst_rss = std::max(worst_rss, r.peak_rss_bytes);
    std::ifstream in{out / "report.json"};
    auto report = nlohmann::json::parse(in, nullptr, false);
    REQUIRE_FALSE(report.is_discarded());
    bool ordinary = false;
    for (auto& f : report["files"])
      ordinary |= f["path"] == "ok.py" && f["state"] == "parsed";
    CHECK(ordinary);
    std::string skipped;
    for (auto& [state, count] : report["run"]["skipped_files"].items())
      if (count.get<int>() > 0)
        skipped += state + " " + std::to_string(count.get<int>()) + " ";
    std::printf("%-26s %8.2f %10.1f  %s\n", name.c_str(), took,
                static_cast<double>(r.peak_rss_bytes) / (1 << 20), skipped.c_str());
  }
  std::printf("worst: %.2f s, %.1f MiB peak RSS\n", worst_s,
              static_cast<double>(worst_rss) / (1 << 20));
}
