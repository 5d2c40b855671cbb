// A file agent that throws on one file fails only its own record of that
// file: it is retried on its own (the other agents' records come from the
// first attempt), the other agents and files complete, the corpus agents
// run, and report.json's rows and the file's entry say what failed.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/null_sink.h>

#include "troupe/actors/file/file_agent.hpp"
#include "troupe/analysis/analysis.hpp"
#include "troupe/reports/reports.hpp"
#include "troupe/runtime/runtime.hpp"

namespace fs = std::filesystem;

namespace {

/// Throws on any file whose text contains "POISON", on every attempt.
class poison_agent final : public troupe::actors::file_agent {
public:
  const troupe::actors::agent_descriptor& descriptor() const noexcept override {
    static const troupe::actors::agent_descriptor d{
      "poison", 1, troupe::actors::agent_scope::per_item, {"symbols"}, "throws on POISON"};
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

TEST_CASE("an agent that throws on a file fails only its own record of that file",
          "[runtime][analysis]") {
  scratch_dir dir;
  fs::create_directories(dir.path / "src");
  write(dir.path / "src" / "good.py", "def f():\n    return 1\n");
  write(dir.path / "src" / "other.py", "import os\n\nclass A:\n    pass\n");
  write(dir.path / "src" / "bad.py", "# POISON\nimport sys\nx = 1\n");

  troupe::runtime_options ro;
  ro.workers = 2;
  ro.log_sink = std::make_shared<spdlog::sinks::null_sink_mt>();
  troupe::runtime rt{ro};

  troupe::analysis_options ao;
  ao.root = (dir.path / "src").string();
  ao.settings.agents.max_retries = 2;
  ao.shard_bytes = 1 << 20; // one task for every file
  REQUIRE_FALSE(troupe::add_file_agent(ao.agents, std::make_shared<poison_agent>()));
  ao.corpus_context.out_dir = (dir.path / "out").string();
  std::string report_text;
  ao.report = [&](troupe::analysis_result& r) -> troupe::error {
    std::ostringstream text;
    troupe::write_report_json(text, r, ao);
    report_text = text.str();
    return {};
  };

  troupe::analysis_result result;
  REQUIRE_FALSE(troupe::run_analysis(rt, ao, result));

  // One group-1 task for the three files, the poison agent fused into it.
  REQUIRE(result.agent_tasks.size() == ao.agents.agents().size());
  auto poison_index = ao.agents.agents().size() - 1;
  REQUIRE(result.agent_tasks[poison_index].size() == 1);
  auto group1 = result.agent_tasks[poison_index].front();
  const auto& task = result.graph.tasks[group1];
  CHECK(task.status == troupe::task_status::done);
  CHECK(task.attempts == 3); // the first, then max_retries = 2 of poison on bad.py alone
  CHECK(result.graph.item_failures() == 1);
  CHECK_FALSE(result.graph.ok());
  for (std::size_t t = 0; t < result.graph.tasks.size(); ++t)
    CHECK(result.graph.tasks[t].status == troupe::task_status::done);

  // Every other agent's record of bad.py is there; poison's is not.
  std::size_t bad = 0;
  while (bad < result.files.size() && result.files[bad].path != "bad.py")
    ++bad;
  REQUIRE(bad < result.files.size());
  CHECK(result.corpus.files[bad].imports.imports.size() == 1);
  CHECK(result.files[bad].agent_failures.back().find("poisoned input") != std::string::npos);

  auto report = nlohmann::json::parse(report_text);
  bool seen = false;
  for (const auto& row : report["agents"]) {
    INFO(row.dump());
    if (row["id"] == "poison") {
      seen = true;
      CHECK(row["status"] == "failed");
      CHECK(row["attempts"] == 3);
      REQUIRE(row["failures"].size() == 1);
      CHECK(row["failures"][0]["path"] == "bad.py");
      CHECK(row["failures"][0]["error"].get<std::string>().find("poisoned input")
            != std::string::npos);
    } else if (row["id"] == "deps_lookup") {
      CHECK(row["status"] == "skipped"); // no package index configured
    } else {
      CHECK(row["status"] == "done");
    }
  }
  CHECK(seen);
  for (const auto& f : report["files"]) {
    if (f["path"] == "bad.py") {
      CHECK(f["poison_error"].get<std::string>().find("poisoned input") != std::string::npos);
      CHECK(f.contains("size"));
    }
  }
}
