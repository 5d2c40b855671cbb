// A file agent that throws on one file: the task of that file fails after
// its retries with a typed error naming the agent and the file, the other
// files' tasks complete, the corpus agents that need every group-1 task are
// skipped, and report.json's agent rows carry the reason.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/null_sink.h>

#include "troupe/actors/file_agent.hpp"
#include "troupe/corpus/corpus.hpp"
#include "troupe/runtime/analysis.hpp"
#include "troupe/runtime/runtime.hpp"

namespace fs = std::filesystem;

namespace {

/// Throws on any file whose text contains "POISON", on every attempt.
class poison_agent final : public troupe::actors::file_agent {
public:
  const troupe::actors::agent_descriptor& descriptor() const noexcept override {
    static const troupe::actors::agent_descriptor d{
      "poison", 1, troupe::actors::agent_scope::per_file, {"symbols"}, "throws on POISON"};
    return d;
  }
  std::string analyse(const troupe::actors::syntax_tree&, std::string_view utf8) const override {
    if (utf8.find("POISON") != std::string_view::npos)
      throw std::runtime_error("poisoned input");
    return "ok";
  }
  bool write_json(std::string_view, troupe::actors::json_writer&) const override {
    return true;
  }
};

struct scratch_dir {
  fs::path path;
  scratch_dir() {
    char tmpl[] = "/tmp/troupe-agent-failure-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write(const fs::path& p, const std::string& text) {
  std::ofstream{p} << text;
}

} // namespace

TEST_CASE("an agent that throws on a file fails its task naming agent and file",
          "[runtime][analysis]") {
  scratch_dir dir;
  fs::create_directories(dir.path / "src");
  write(dir.path / "src" / "good.py", "def f():\n    return 1\n");
  write(dir.path / "src" / "other.py", "import os\n\nclass A:\n    pass\n");
  write(dir.path / "src" / "bad.py", "# POISON\nx = 1\n");

  troupe::runtime_options ro;
  ro.workers = 2;
  ro.log_sink = std::make_shared<spdlog::sinks::null_sink_mt>();
  troupe::runtime rt{ro};

  troupe::analysis_options ao;
  ao.root = (dir.path / "src").string();
  ao.settings.agents.max_retries = 2;
  ao.shard_bytes = 1; // one file per task
  ao.file_agents = troupe::actors::builtin_file_agents();
  ao.file_agents.push_back(std::make_shared<poison_agent>());
  ao.corpus_agents = troupe::corpus::builtin_corpus_agents();
  ao.corpus_context.out_dir = (dir.path / "out").string();

  troupe::analysis_result result;
  std::string error;
  REQUIRE(troupe::run_analysis(rt, ao, result, error));

  std::size_t failed = 0;
  std::size_t done = 0;
  for (std::size_t t = 0; t < result.graph.tasks.size() - result.corpus_tasks.size(); ++t) {
    const auto& task = result.graph.tasks[t];
    if (task.status == troupe::task_status::failed) {
      ++failed;
      CHECK(task.attempts == 3); // the first attempt and max_retries = 2
      CHECK(task.error.find("poison on bad.py: poisoned input") != std::string::npos);
    }
    done += task.status == troupe::task_status::done;
  }
  CHECK(failed == 1);
  CHECK(done == 2); // the other files' tasks completed
  // Every corpus agent needs all of group 1, directly or through another.
  for (auto t : result.corpus_tasks)
    CHECK(result.graph.tasks[t].status == troupe::task_status::skipped);

  std::ostringstream text;
  troupe::write_report_json(text, result, ao);
  auto report = nlohmann::json::parse(text.str());
  bool seen = false;
  for (const auto& row : report["agents"]) {
    if (row["id"] == "poison") {
      seen = true;
      CHECK(row["status"] == "failed");
      CHECK(row["reason"].get<std::string>().find("poison on bad.py") != std::string::npos);
    } else if (row["group"] == 1) {
      CHECK(row["status"] == "failed");
      CHECK(row["reason"].get<std::string>().find("1 of 3 tasks failed") != std::string::npos);
    }
  }
  CHECK(seen);
}
