// The cache seen from the command line: warm runs, damaged records and an
// unusable cache folder all give the output of an uncached run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "troupe_process.hpp"

using namespace troupe::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Runs troupe and reads its report.json. The record-level cases run with
/// --no-run-memo so that a warm run goes through the per-file records (the
/// run memo, which answers a whole unchanged run, has its own cases below).
json run_report(const fs::path& root, const fs::path& out, std::vector<std::string> extra,
                process_result* result = nullptr, bool run_memo = false) {
  // Code generation on: the run memo's cases check the generated files.
  std::vector<std::string> args{troupe_binary(), "run", root.string(), "--quiet", "--json",
                                out.string(), "--generate", "tests,docs"};
  // The reports and generated files go next to the JSON unless the case
  // names a folder: tests run in parallel share the working directory.
  if (std::find(extra.begin(), extra.end(), "--out") == extra.end())
    args.insert(args.end(), {"--out", (out.parent_path() / "out").string()});
  if (!run_memo)
    args.push_back("--no-run-memo");
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  if (result)
    *result = r;
  std::ifstream in{out};
  return json::parse(in);
}

std::vector<fs::path> records(const fs::path& cache) {
  std::vector<fs::path> out;
  for (auto& e : fs::recursive_directory_iterator{cache / "records"})
    if (e.is_regular_file() && e.path().extension() == ".rec")
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

/// The group-1 (per-file) rows of report.json's agents.
std::vector<json> file_agents(const json& report) {
  std::vector<json> out;
  for (auto& agent : report["agents"])
    if (agent.value("group", 0) == 1)
      out.push_back(agent);
  return out;
}

/// The number of distinct contents among the parsed files: one L2 bundle
/// each.
std::size_t parsed_contents(const json& report) {
  std::set<std::string> digests;
  for (auto& f : report["files"])
    if (f["state"] == "parsed")
      digests.insert(f["digest"].get<std::string>());
  return digests.size();
}

/// A small tree: the Python fixtures.
fs::path fixture_root() {
  return source_dir() / "tests/fixtures/python";
}

} // namespace

TEST_CASE("a warm run serves every file from the cache with identical output",
          "[integration][cache]") {
  temp_dir tmp;
  auto cache = tmp.path / "cache";
  auto plain = run_report(fixture_root(), tmp.path / "plain.json", {"--no-cache"});
  auto cold = run_report(fixture_root(), tmp.path / "cold.json", {"--cache-dir", cache.string()});
  auto warm = run_report(fixture_root(), tmp.path / "warm.json", {"--cache-dir", cache.string()});
  CHECK(cold["files"] == plain["files"]);
  CHECK(warm["files"] == plain["files"]);
  auto parsed = 0;
  for (auto& f : plain["files"])
    parsed += f["state"] == "parsed";
  CHECK(cold["agents"][0]["cache_misses"] == parsed);
  CHECK(warm["agents"][0]["cache_hits"] == parsed);
  CHECK(warm["agents"][0]["cache_misses"] == 0);
  // Every group-1 agent's record of every parsed file came from the disk
  // tier, and so did each file's rendered report entry (corpus agents,
  // groups 2 and 3, are computed from those and are not cached); the disk
  // tier holds one bundle per parsed file content.
  auto agents = file_agents(warm);
  REQUIRE(agents.size() >= 6);
  CHECK(warm["run"]["cache"]["l2"]["hits"] == parsed * (agents.size() + 1));
  CHECK(records(cache).size() == parsed_contents(cold));
  for (auto& agent : agents) {
    INFO(agent["id"]);
    CHECK(agent["cache_hits"] == parsed);
  }
  for (auto& agent : warm["agents"]) {
    INFO(agent["id"]);
    CHECK(agent["cache_misses"] == 0);
  }
  CHECK(plain["run"]["cache"]["enabled"] == false);
}

TEST_CASE("damaged cache records are counted, recomputed and rewritten",
          "[integration][cache]") {
  temp_dir tmp;
  auto cache = tmp.path / "cache";
  auto plain = run_report(fixture_root(), tmp.path / "plain.json", {"--no-cache"});
  run_report(fixture_root(), tmp.path / "cold.json", {"--cache-dir", cache.string()});
  auto recs = records(cache);
  REQUIRE(recs.size() >= 4);
  // Truncated, bit-flipped, emptied, and replaced by a foreign file.
  fs::resize_file(recs[0], fs::file_size(recs[0]) / 2);
  {
    std::fstream f{recs[1], std::ios::in | std::ios::out | std::ios::binary};
    f.seekg(-3, std::ios::end);
    char c = 0;
    f.get(c);
    f.seekp(-3, std::ios::end);
    f.put(static_cast<char>(c ^ 0x10));
  }
  fs::resize_file(recs[2], 0);
  std::ofstream{recs[3], std::ios::trunc} << "not a troupe record at all, just text\n";
  auto damaged = run_report(fixture_root(), tmp.path / "damaged.json",
                            {"--cache-dir", cache.string()});
  CHECK(damaged["files"] == plain["files"]);
  // Each damaged file is one file's bundle: counted once as corrupt, a miss
  // for every agent of that file.
  CHECK(damaged["run"]["cache"]["l2"]["corrupt"].get<int>() == 4);
  auto agents = file_agents(damaged);
  for (auto& agent : agents) {
    INFO(agent["id"]);
    CHECK(agent["cache_misses"] == 4);
  }
  // The damaged records were rewritten: the next run hits everything.
  auto again = run_report(fixture_root(), tmp.path / "again.json", {"--cache-dir", cache.string()});
  CHECK(again["files"] == plain["files"]);
  for (auto& agent : file_agents(again))
    CHECK(agent["cache_misses"] == 0);
  CHECK(again["run"]["cache"]["l2"]["corrupt"] == 0);
}

TEST_CASE("a cache folder of the previous format is used without a warning",
          "[integration][cache]") {
  temp_dir tmp;
  auto cache = tmp.path / "cache";
  auto plain = run_report(fixture_root(), tmp.path / "plain.json", {"--no-cache"});
  fs::create_directories(cache / "records" / "ab");
  // The text key history and a one-record-per-agent file of earlier
  // releases: neither is read as current data.
  std::ofstream{cache / "key-history"} << "troupe-key-history 1\n4:size4:a.py\n";
  std::ofstream{cache / "records" / "ab" / "ab0123456789abcdef0123456789abcd.rec"}
    << "TRPCACHE and an old payload";
  process_result r;
  auto first = run_report(fixture_root(), tmp.path / "first.json",
                          {"--cache-dir", cache.string()}, &r);
  CHECK(first["files"] == plain["files"]);
  CHECK(r.err.find("key history") == std::string::npos);
  auto second = run_report(fixture_root(), tmp.path / "second.json",
                           {"--cache-dir", cache.string()}, &r);
  CHECK(second["files"] == plain["files"]);
  CHECK(r.err.find("key history") == std::string::npos);
  for (auto& agent : file_agents(second))
    CHECK(agent["cache_misses"] == 0);
}

TEST_CASE("an unusable cache folder gives one warning and an uncached run",
          "[integration][cache]") {
  temp_dir tmp;
  std::ofstream{tmp.path / "file"} << "a file where the cache folder should be\n";
  auto plain = run_report(fixture_root(), tmp.path / "plain.json", {"--no-cache"});
  process_result r;
  auto report = run_report(fixture_root(), tmp.path / "r.json",
                           {"--cache-dir", (tmp.path / "file" / "cache").string()}, &r);
  CHECK(report["files"] == plain["files"]);
  CHECK(r.err.find("disk cache unavailable") != std::string::npos);
}

TEST_CASE("a changed file misses because its input changed", "[integration][cache]") {
  temp_dir tmp;
  auto root = tmp.path / "tree";
  fs::create_directories(root);
  for (int i = 0; i < 10; ++i)
    std::ofstream{root / ("m" + std::to_string(i) + ".py")} << "def f" << i << "():\n    return "
                                                            << i << "\n";
  auto cache = tmp.path / "cache";
  run_report(root, tmp.path / "a.json", {"--cache-dir", cache.string()});
  std::ofstream{root / "m3.py", std::ios::app} << "\ndef g():\n    pass\n";
  auto b = run_report(root, tmp.path / "b.json", {"--cache-dir", cache.string()});
  CHECK(b["agents"][0]["cache_hits"] == 9);
  CHECK(b["agents"][0]["cache_misses"] == 1);
  CHECK(b["run"]["cache"]["why_missed"]["input"] == 1);
}

TEST_CASE("troupe cache verify, clear and gc maintain the folder", "[integration][cache]") {
  temp_dir tmp;
  auto cache = tmp.path / "cache";
  run_report(fixture_root(), tmp.path / "cold.json", {"--cache-dir", cache.string()});
  auto recs = records(cache);
  REQUIRE(recs.size() >= 2);
  fs::resize_file(recs[0], 10);
  auto dir = std::vector<std::string>{"--cache-dir", cache.string()};
  auto verify = run({troupe_binary(), "cache", dir[0], dir[1], "verify"});
  CHECK(verify.exit_code == 1);
  CHECK(verify.out.find("corrupt 1") != std::string::npos);
  auto remove = run({troupe_binary(), "cache", dir[0], dir[1], "verify", "--remove"});
  CHECK(remove.exit_code == 0);
  CHECK(records(cache).size() == recs.size() - 1);
  auto gc = run({troupe_binary(), "cache", dir[0], dir[1], "gc", "--max-bytes", "1"});
  CHECK(gc.exit_code == 0);
  CHECK(records(cache).size() <= 1);
  auto clear = run({troupe_binary(), "cache", dir[0], dir[1], "clear"});
  CHECK(clear.exit_code == 0);
  CHECK(records(cache).empty());
  auto stats = run({troupe_binary(), "cache", dir[0], dir[1], "stats"});
  CHECK(stats.exit_code == 0);
  CHECK(stats.out.find("records       0") != std::string::npos);
}

namespace {

/// Everything of report.json that depends on the inputs only.
json content_of(const json& report) {
  json out = report;
  out.erase("run");
  out.erase("agents");
  out.erase("generated_at");
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in{path};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

/// report.md or report.html from the first section after the run-specific
/// head (run and agents tables) on.
std::string body_of(const std::string& text, const std::string& marker) {
  auto at = text.find(marker);
  if (at == std::string::npos)
    return {};
  // The run table and the agents follow the body (run-specific again).
  auto tail = std::min(text.find("\n## Run\n", at), text.find("<section id=\"run\">", at));
  return text.substr(at, tail == std::string::npos ? std::string::npos : tail - at);
}

} // namespace

TEST_CASE("an unchanged run is answered by the run memo with identical output",
          "[integration][cache][run_memo]") {
  temp_dir tmp;
  auto src = tmp.path / "src";
  fs::copy(fixture_root(), src, fs::copy_options::recursive);
  std::ofstream{src / "blob.py", std::ios::binary} << std::string("\x7f\x00\x01binary", 9);
  auto cache = tmp.path / "cache";
  auto out = tmp.path / "out";
  std::vector<std::string> args{"--cache-dir", cache.string(), "--out", out.string()};
  auto plain = run_report(src, tmp.path / "plain.json",
                          {"--no-cache", "--out", (tmp.path / "plain").string()});
  // The cold run computes every record and stores the memo; the next runs
  // are answered by it.
  auto cold = run_report(src, tmp.path / "cold.json", args, nullptr, true);
  auto repeat = run_report(src, tmp.path / "repeat.json", args, nullptr, true);
  auto cold_md = read_text(out / "report.md");
  auto cold_html = read_text(out / "report.html");
  process_result warm_run;
  auto warm = run_report(src, tmp.path / "warm.json", args, &warm_run, true);

  CHECK_FALSE(cold["run"]["cache"].contains("run_memo"));
  CHECK(repeat["run"]["cache"]["run_memo"] == "hit");
  CHECK(warm["run"]["cache"]["run_memo"] == "hit");
  CHECK(content_of(warm) == content_of(plain));
  CHECK(content_of(cold) == content_of(plain));
  // The agent rows are those of the run that stored the memo.
  CHECK(warm["agents"] == cold["agents"]);
  CHECK(warm["run"]["files"] == plain["run"]["files"]);
  CHECK(warm["run"]["skipped_files"] == plain["run"]["skipped_files"]);
  CHECK(warm["run"]["files_with_syntax_errors"] == plain["run"]["files_with_syntax_errors"]);
  // Nothing was parsed or looked up per file.
  CHECK(warm["run"]["cache"]["l2"]["hits"] == 1);
  auto md = read_text(out / "report.md");
  auto html = read_text(out / "report.html");
  CHECK(md.find("reports from the run memo") != std::string::npos);
  CHECK(!body_of(md, "## Quality score").empty());
  CHECK(body_of(md, "## Quality score") == body_of(cold_md, "## Quality score"));
  CHECK(body_of(html, "<h2>Quality score") == body_of(cold_html, "<h2>Quality score"));
  // Skipped files are still named on a memo run (nothing lost).
  int skipped = 0;
  for (auto& [reason, n] : plain["run"]["skipped_files"].items())
    skipped += n.get<int>();
  REQUIRE(skipped > 0); // blob.py
  CHECK(warm_run.err.find("skipped (") != std::string::npos);

  SECTION("one changed byte misses the memo; the other files hit their records") {
    std::vector<fs::path> sources;
    for (auto& e : fs::recursive_directory_iterator{src})
      if (e.is_regular_file() && e.path().extension() == ".py")
        sources.push_back(e.path());
    std::sort(sources.begin(), sources.end());
    REQUIRE(sources.size() >= 3);
    std::ofstream{sources.front(), std::ios::app} << "\n# one more line\n";
    auto changed = run_report(src, tmp.path / "changed.json", args, nullptr, true);
    CHECK_FALSE(changed["run"]["cache"].contains("run_memo"));
    CHECK(changed["agents"][0]["cache_misses"] == 1);
    CHECK(changed["agents"][0]["cache_hits"].get<int>() >= 1);
    // The new state is stored by the next (unchanged) run and answers the
    // one after.
    run_report(src, tmp.path / "again.json", args, nullptr, true);
    auto third = run_report(src, tmp.path / "third.json", args, nullptr, true);
    CHECK(third["run"]["cache"]["run_memo"] == "hit");
    CHECK(content_of(third) == content_of(changed));
  }
  SECTION("a change of the same size under the old modification time misses the memo") {
    // The digest memo (analysis/troupe/analysis/internal/digest_memo.hpp) trusts a file
    // whose stat identity is unchanged; a write moves the change time,
    // which no tool sets back, even when size and mtime are restored.
    fs::path victim;
    for (auto& e : fs::recursive_directory_iterator{src})
      if (e.is_regular_file() && e.path().extension() == ".py" && fs::file_size(e.path()) > 8)
        victim = e.path();
    REQUIRE(!victim.empty());
    // Files changed within a second before a run are not remembered (the
    // copy above is that young): let them age, then a run remembers all.
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    auto settled = run_report(src, tmp.path / "settled.json", args, nullptr, true);
    CHECK(settled["run"]["cache"]["run_memo"] == "hit");
    REQUIRE(fs::exists(cache / "digests"));
    auto when = fs::last_write_time(victim);
    auto text = read_text(victim);
    auto edited = text;
    edited[edited.size() - 2] = edited[edited.size() - 2] == 'x' ? 'y' : 'x';
    if (edited.back() != '\n')
      edited.back() = '\n';
    std::ofstream{victim, std::ios::binary | std::ios::trunc} << edited;
    fs::last_write_time(victim, when);
    REQUIRE(fs::file_size(victim) == text.size());
    auto changed = run_report(src, tmp.path / "same-size.json", args, nullptr, true);
    CHECK_FALSE(changed["run"]["cache"].contains("run_memo"));
    CHECK(changed["agents"][0]["cache_misses"] == 1);
  }
  SECTION("a generated file missing from the output folder is regenerated") {
    auto tests = out / "generated" / "tests";
    REQUIRE(fs::exists(tests));
    fs::path victim;
    for (auto& e : fs::directory_iterator{tests})
      victim = e.path();
    REQUIRE(!victim.empty());
    fs::remove(victim);
    process_result r;
    auto rerun = run_report(src, tmp.path / "rerun.json", args, &r, true);
    CHECK_FALSE(rerun["run"]["cache"].contains("run_memo"));
    CHECK(fs::exists(victim));
    CHECK(content_of(rerun) == content_of(plain));
  }
  SECTION("another output folder is served too once it holds the generated files") {
    auto other = tmp.path / "other";
    std::vector<std::string> other_args{"--cache-dir", cache.string(), "--out", other.string()};
    auto first = run_report(src, tmp.path / "o1.json", other_args, nullptr, true);
    CHECK_FALSE(first["run"]["cache"].contains("run_memo")); // no generated files there yet
    run_report(src, tmp.path / "o2.json", other_args, nullptr, true); // stores this folder's
    auto third = run_report(src, tmp.path / "o3.json", other_args, nullptr, true);
    CHECK(third["run"]["cache"]["run_memo"] == "hit");
  }
  SECTION("a damaged memo is counted corrupt, the run computes from the records, output "
          "identical") {
    // The memo is the largest record in the folder.
    auto recs = records(cache);
    REQUIRE(!recs.empty());
    auto memo = *std::max_element(recs.begin(), recs.end(), [](const auto& a, const auto& b) {
      return fs::file_size(a) < fs::file_size(b);
    });
    {
      std::fstream f{memo, std::ios::in | std::ios::out | std::ios::binary};
      f.seekp(static_cast<std::streamoff>(fs::file_size(memo) / 2));
      f.put('\x01');
    }
    auto damaged = run_report(src, tmp.path / "damaged.json", args, nullptr, true);
    CHECK_FALSE(damaged["run"]["cache"].contains("run_memo"));
    CHECK(damaged["run"]["cache"]["l2"]["corrupt"] == 1);
    CHECK(damaged["agents"][0]["cache_misses"] == 0); // every record still hit
    CHECK(content_of(damaged) == content_of(plain));
    // That run found every record, so it stored the memo anew.
    auto after = run_report(src, tmp.path / "after.json", args, nullptr, true);
    CHECK(after["run"]["cache"]["run_memo"] == "hit");
    CHECK(content_of(after) == content_of(plain));
  }
  SECTION("--no-run-memo goes through the per-file records") {
    auto records_run = run_report(src, tmp.path / "records.json", args);
    CHECK_FALSE(records_run["run"]["cache"].contains("run_memo"));
    CHECK(records_run["agents"][0]["cache_misses"] == 0);
    CHECK(content_of(records_run) == content_of(plain));
  }
}
