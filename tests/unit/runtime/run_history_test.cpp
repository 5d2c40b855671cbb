// The run history kept in a cache folder: saved whole even when several
// writers share the folder (runs sharing a cache save it at once).
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "internal/run_history.hpp"

namespace fs = std::filesystem;
using troupe::detail::run_history;

TEST_CASE("writers saving one run history at once each succeed and leave it whole",
          "[runtime][history]") {
  auto dir = fs::temp_directory_path() / ("troupe-history-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto path = (dir / "run-history.json").string();
  constexpr int writers = 4;
  constexpr int saves = 200;
  std::atomic<int> failed{0};
  std::string first_error;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      run_history h;
      h.group1_bytes_per_second = 1000.0 * (w + 1);
      for (int i = 0; i < 40; ++i)
        h.record_agent("agent_" + std::to_string(i), 0.25 * (w + 1));
      for (int i = 0; i < saves; ++i) {
        if (auto err = h.save(path); err && failed.fetch_add(1) == 0)
          first_error = err.message();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  INFO(first_error);
  CHECK(failed == 0);
  troupe::error warning;
  auto loaded = run_history::load(path, warning);
  CHECK_FALSE(warning);
  CHECK(loaded.agent_seconds.size() == 40);
  CHECK(loaded.group1_bytes_per_second > 0);
  // Nothing but the history stays behind.
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator{dir})
    names.push_back(e.path().filename().string());
  CHECK(names == std::vector<std::string>{"run-history.json"});
  fs::remove_all(dir);
}

TEST_CASE("a damaged run history is ignored with a warning naming it", "[runtime][history]") {
  auto dir = fs::temp_directory_path() / ("troupe-history-bad-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto path = (dir / "run-history.json").string();
  {
    std::ofstream out{path};
    out << "{\"version\": 1, \"agent_seconds\": {\"x\": ";
  }
  troupe::error warning;
  auto loaded = run_history::load(path, warning);
  REQUIRE(warning);
  CHECK(warning.code() == troupe::errc::corrupt_record);
  CHECK(warning.message().find(path) != std::string::npos);
  CHECK(loaded.agent_seconds.empty());
  CHECK(loaded.group1_bytes_per_second == 0);
  {
    std::ofstream out{path};
    out << "{\"version\": 99}";
  }
  warning = {};
  (void) run_history::load(path, warning);
  REQUIRE(warning);
  CHECK(warning.message().find("unknown format version") != std::string::npos);
  // A missing history is a first run, not a problem.
  warning = {};
  (void) run_history::load((dir / "absent.json").string(), warning);
  CHECK_FALSE(warning);
  fs::remove_all(dir);
}
