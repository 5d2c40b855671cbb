// Concurrency stress: rounds of simultaneous `troupe run` processes on one
// cache folder and one output folder (with and without the run memo), while
// a reader keeps reading the output folder. Every process exits 0; after
// every round report.json, the generated files and the report bodies equal
// a reference run's; no reader ever sees a report that does not parse; no
// temporary file stays behind.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "troupe_process.hpp"

using namespace troupe::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// report.json without what differs between runs of the same inputs
/// (timings, cache use, agent rows).
json content_of(const fs::path& report) {
  std::ifstream in{report};
  auto j = json::parse(in, nullptr, false);
  if (j.is_discarded())
    return j;
  j.erase("run");
  j.erase("agents");
  j.erase("generated_at");
  return j;
}

/// Every generated file below `out`, by relative path.
std::map<std::string, std::string> generated(const fs::path& out) {
  std::map<std::string, std::string> files;
  if (!fs::exists(out / "generated"))
    return files;
  for (auto& e : fs::recursive_directory_iterator{out / "generated"})
    if (e.is_regular_file())
      files[fs::relative(e.path(), out).string()] = slurp(e.path());
  return files;
}

/// The part of report.md between its summary and its run details (the head
/// and the tail hold timings and cache use).
std::string markdown_body(const fs::path& md) {
  auto text = slurp(md);
  auto at = text.find("\n## ", text.find("\n## ") + 1);
  auto end = text.find("\n## Run\n");
  if (at == std::string::npos || end == std::string::npos || end < at)
    return {};
  return text.substr(at, end - at);
}

/// `bytes` as report.md's run table shows it (human_bytes in
/// reports/src/report_json.cpp).
std::string shown_bytes(std::uint64_t n) {
  char buf[32];
  if (n >= (1ull << 30))
    std::snprintf(buf, sizeof buf, "%.2f GiB", n / double(1ull << 30));
  else if (n >= (1ull << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", n / double(1ull << 20));
  else if (n >= 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
  return buf;
}

/// `seconds` as report.md's run table shows it (human_seconds there).
std::string shown_seconds(double seconds) {
  char buf[32];
  if (seconds >= 100)
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  else if (seconds >= 0.1)
    std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  else
    std::snprintf(buf, sizeof buf, "%.1f ms", seconds * 1000);
  return buf;
}

} // namespace

TEST_CASE("simultaneous runs on one cache folder and one output folder",
          "[integration][concurrency]") {
  temp_dir tmp;
  // About 45 files of the standard library: a run takes long enough for
  // runs to overlap in every phase.
  auto tree = tmp.path / "tree";
  fs::create_directories(tree);
  for (const char* package : {"email", "json", "http", "urllib"})
    fs::copy(fs::path{"/usr/lib/python3.11"} / package, tree / package,
             fs::copy_options::recursive);
  auto reference_out = tmp.path / "reference";
  auto ref = run({troupe_binary(), "run", tree.string(), "--no-cache", "--quiet",
                  "--generate", "tests,docs", "--out", reference_out.string()});
  INFO(ref.err);
  REQUIRE(ref.exit_code == 0);
  auto reference = content_of(reference_out / "report.json");
  REQUIRE_FALSE(reference.is_discarded());
  auto reference_generated = generated(reference_out);
  auto reference_md = markdown_body(reference_out / "report.md");
  REQUIRE_FALSE(reference_generated.empty());

  auto cache = tmp.path / "cache";
  auto out = tmp.path / "out";
  // A reader that keeps reading report.json while the runs write it, and,
  // under a shared lock on the folder, checks that report.md is of the same
  // run (its head shows the run's peak RSS, which report.json holds too).
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, torn{0}, locked_reads{0}, mixed{0};
  std::thread reader{[&] {
    while (!stop) {
      {
        std::ifstream in{out / "report.json"};
        if (in) {
          auto j = json::parse(in, nullptr, false);
          ++reads;
          torn += j.is_discarded() ? 1 : 0;
        }
      }
      int fd = ::open((out / ".troupe.lock").c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0 && ::flock(fd, LOCK_SH) == 0) {
        std::ifstream in{out / "report.json"};
        auto j = json::parse(in, nullptr, false);
        auto md = slurp(out / "report.md");
        if (!j.is_discarded() && !md.empty()) {
          ++locked_reads;
          auto wall = "| wall time | " + shown_seconds(j["run"]["wall_seconds"].get<double>())
                      + " |";
          auto rss = "| peak memory (RSS) | "
                     + shown_bytes(j["run"]["peak_rss_bytes"].get<std::uint64_t>()) + " |";
          mixed += md.find(wall) == std::string::npos || md.find(rss) == std::string::npos;
        }
      }
      if (fd >= 0)
        ::close(fd); // releases the shared lock
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }};
  constexpr int rounds = 4;
  constexpr int processes = 4;
  for (int round = 0; round < rounds; ++round) {
    INFO("round " << round);
    std::vector<std::pair<pid_t, temp_dir>> running(processes);
    for (int p = 0; p < processes; ++p) {
      std::vector<std::string> args{troupe_binary(), "run", tree.string(), "--quiet",
                                    "--generate", "tests,docs", "--cache-dir", cache.string(),
                                    "--out", out.string()};
      if (p % 2 == 0) // half the runs never use the run memo
        args.push_back("--no-run-memo");
      running[p].first = spawn(args, running[p].second.path);
    }
    for (auto& [pid, io] : running) {
      auto r = wait_for(pid, io.path);
      INFO(r.err);
      CHECK(r.exit_code == 0);
    }
    CHECK(content_of(out / "report.json") == reference);
    CHECK(generated(out) == reference_generated);
    CHECK(markdown_body(out / "report.md") == reference_md);
    CHECK(slurp(out / "report.html").find("</html>") != std::string::npos);
    for (auto& e : fs::directory_iterator{out}) {
      auto name = e.path().filename().string();
      CHECK(name.find(".tmp") == std::string::npos);
    }
  }
  stop = true;
  reader.join();
  INFO(reads << " reads by the reader, " << locked_reads << " under the folder's lock");
  CHECK(reads > 0);
  CHECK(torn == 0);
  CHECK(locked_reads > 0);
  CHECK(mixed == 0);
  // The shared cache stayed sound: a last run is answered from it.
  auto last = run({troupe_binary(), "run", tree.string(), "--cache-dir", cache.string(),
                   "--generate", "tests,docs", "--out", (tmp.path / "last").string(),
                   "--no-run-memo"});
  INFO(last.err);
  REQUIRE(last.exit_code == 0);
  CHECK(content_of(tmp.path / "last" / "report.json") == reference);
  auto stats = run({troupe_binary(), "cache", "--cache-dir", cache.string(), "verify"});
  CHECK(stats.exit_code == 0);
  CHECK(stats.out.find(", corrupt 0,") != std::string::npos);
}
