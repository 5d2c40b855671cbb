#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "troupe/runtime/progress_reporter.hpp"
#include "troupe/runtime/runtime.hpp"
#include "troupe/runtime/trace_writer.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

/// A temporary file the reporter writes to through its descriptor.
struct capture_file {
  std::FILE* file = std::tmpfile();
  ~capture_file() {
    std::fclose(file);
  }
  int fd() const {
    return fileno(file);
  }
  std::string text() const {
    std::string out;
    std::rewind(file);
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, file))
      out.append(buf, n);
    return out;
  }
};

/// Agents of the small graph: "symbols" sleeps `each`, "import_graph"
/// always fails, "report" succeeds.
agent_registry small_agents(std::chrono::milliseconds each) {
  agent_registry reg;
  auto ok = [](const agent_input&) -> expected<std::string> { return std::string{}; };
  REQUIRE_FALSE(reg.add({"symbols", 1, agent_scope::per_item, {}, "sleeps"},
                        [each](const agent_input&) -> expected<std::string> {
                          std::this_thread::sleep_for(each);
                          return std::string{};
                        }));
  REQUIRE_FALSE(reg.add({"import_graph", 1, agent_scope::corpus, {"symbols"}, "fails"},
                        [](const agent_input&) -> expected<std::string> {
                          return error{errc::agent_failed, "boom"};
                        }));
  REQUIRE_FALSE(reg.add({"report", 1, agent_scope::aggregate, {"import_graph"}, "ok"}, ok));
  return reg;
}

task_spec shard(std::uint32_t i) {
  task_spec t;
  t.name = "parse[" + std::to_string(i) + "]";
  t.agents = {"symbols"};
  t.cost = 0.01;
  t.files = i + 1;
  t.bytes = 1000;
  return t;
}

/// Four file shards, then one task over all of them that fails.
task_graph small_graph() {
  task_graph g;
  for (std::uint32_t i = 0; i < 4; ++i)
    g.add(shard(i));
  g.add({"merge", {"import_graph"}, 0.01, {0, 1, 2, 3}});
  return g;
}

} // namespace

TEST_CASE("a progress line shows counts, rate, ETA and cache share", "[progress]") {
  progress_snapshot s;
  s.tasks_done = 3;
  s.tasks_total = 10;
  s.files_done = 50;
  s.files_total = 200;
  s.bytes_done = 1 << 20;
  s.bytes_total = 4 << 20;
  s.cache_hits = 3;
  s.cache_misses = 1;
  s.elapsed_s = 2;
  auto line = progress_reporter::render(s, false, std::string::npos);
  CHECK(line == "troupe: progress  25%, 50/200 files, 3/10 tasks, 25 files/s, 0.5 MiB/s, "
                "ETA 6s, cache 75% hits, 2.0 s elapsed");
  auto bar = progress_reporter::render(s, true, 200);
  CHECK(bar.rfind("[####............]  25%  50/200 files", 0) == 0);
  // A narrow terminal drops the least useful fields instead of wrapping.
  auto narrow = progress_reporter::render(s, true, 40);
  CHECK(narrow.size() <= 40);
  CHECK(narrow.find("50/200 files") != std::string::npos);
  CHECK(narrow.find("MiB/s") == std::string::npos);
  s.cache_hits = s.cache_misses = 0;
  CHECK(progress_reporter::render(s, false, std::string::npos).find("cache -")
        != std::string::npos);
}

TEST_CASE("plain progress lines are periodic and end with the final counts", "[progress]") {
  capture_file out;
  progress_options po;
  po.mode = progress_mode::lines;
  po.fd = out.fd();
  po.line_interval = 20ms;
  progress_reporter progress{po};
  runtime_options ro;
  ro.workers = 2;
  runtime rt{ro};
  auto g = small_graph();
  auto agents = small_agents(30ms);
  graph_run_options opts;
  opts.max_retries = 0;
  progress.start(g);
  opts.on_task_finished = [&](std::size_t t, const task_outcome& o) {
    progress.task_finished(t, o);
  };
  auto res = rt.run(agents, g, opts);
  progress.finish();
  progress.finish(); // idempotent
  CHECK(res.count(task_status::failed) == 1);
  auto text = out.text();
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find('\033') == std::string::npos);
  std::istringstream lines{text};
  std::string line;
  std::string last;
  int count = 0;
  while (std::getline(lines, line)) {
    CHECK(line.rfind("troupe: progress ", 0) == 0);
    last = line;
    ++count;
  }
  CHECK(count >= 2); // at least one periodic line, then the final one
  CHECK(last.find("100%, 10/10 files, 5/5 tasks") != std::string::npos);
}

TEST_CASE("a live bar is redrawn in place and erased at the end", "[progress]") {
  capture_file out;
  progress_options po;
  po.mode = progress_mode::live;
  po.fd = out.fd();
  po.live_interval = 10ms;
  progress_reporter progress{po};
  CHECK(progress.mode() == progress_mode::live);
  task_graph g = small_graph();
  progress.start(g);
  for (std::size_t t = 0; t < 4; ++t) {
    progress.task_finished(t, task_outcome{});
    std::this_thread::sleep_for(15ms);
  }
  progress.finish();
  auto text = out.text();
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text.rfind("\r[", 0) == 0);
  CHECK(text.find("10/10 files") != std::string::npos);
  CHECK(text.size() >= 6);
  CHECK(text.substr(text.size() - 5) == "\r\033[2K"); // the caller's output starts clean
  CHECK(progress.snapshot().tasks_done == 4);
}

TEST_CASE("quiet progress draws nothing; automatic is plain off a terminal", "[progress]") {
  capture_file out;
  {
    progress_reporter progress{{progress_mode::off, out.fd()}};
    progress.start(small_graph());
    progress.task_finished(0, task_outcome{});
  }
  CHECK(out.text().empty());
  progress_reporter automatic{{progress_mode::automatic, out.fd()}};
  CHECK(automatic.mode() == progress_mode::lines);
}

TEST_CASE("a run's Chrome trace has worker tracks and one slice per task that ran",
          "[trace]") {
  runtime_options ro;
  ro.workers = 2;
  runtime rt{ro};
  auto g = small_graph();
  auto agents = small_agents(5ms);
  g.add({"after_merge", {"report"}, 0.01, {4}}); // skipped: never runs
  auto labels = trace_labels_of(g);
  graph_run_options opts;
  opts.max_retries = 1;
  auto res = rt.run(agents, g, opts);
  std::ostringstream text;
  write_chrome_trace(text, labels, res);
  auto doc = nlohmann::json::parse(text.str()); // throws on invalid JSON
  REQUIRE(doc["traceEvents"].is_array());
  std::set<std::string> tracks;
  std::string process;
  int slices = 0;
  for (const auto& e : doc["traceEvents"]) {
    REQUIRE(e.contains("ph"));
    REQUIRE(e["pid"] == 1);
    if (e["ph"] == "M" && e["name"] == "thread_name")
      tracks.insert(e["args"]["name"].get<std::string>());
    if (e["ph"] == "M" && e["name"] == "process_name")
      process = e["args"]["name"];
    if (e["ph"] != "X")
      continue;
    ++slices;
    auto tid = e["tid"].get<std::uint32_t>();
    CHECK(tid < 2);
    CHECK(e["dur"].get<double>() >= 0);
    auto task = e["args"]["task"].get<std::size_t>();
    REQUIRE(task < 5);
    CHECK(e["name"] == g.tasks()[task].name);
    CHECK(e["args"]["agent"] == g.tasks()[task].agent());
    CHECK(e["args"]["attempts"] == res.tasks[task].attempts);
    CHECK(e["args"]["status"] == to_string(res.tasks[task].status));
    CHECK(e["args"]["cache_hits"] == 0);
    CHECK(e["args"]["cache_misses"] == 0);
    CHECK(e["ts"].get<double>() == Approx(res.tasks[task].started_s * 1e6).margin(0.01));
    if (task < 4) {
      CHECK(e["args"]["shard"] == task);
      CHECK(e["args"]["status"] == "done");
      CHECK(e["dur"].get<double>() >= 5000);
    } else {
      CHECK(e["args"]["status"] == "failed");
      CHECK(e["args"]["attempts"] == 2);
      CHECK(e["args"]["error"].get<std::string>().find("boom") != std::string::npos);
    }
  }
  CHECK(slices == 5); // the skipped task has no slice
  CHECK(tracks == std::set<std::string>{"worker 0", "worker 1"});
  CHECK(process == "troupe (local node)");
  CHECK(doc["otherData"]["workers"] == 2);
}
