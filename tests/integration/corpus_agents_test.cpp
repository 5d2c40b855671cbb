// The corpus agents (groups 2 and 3) on a small fixture project whose
// expected results are known by hand: import graph and cycles, unused
// imports (as pyflakes reports them), call graph, dead code, duplicates,
// hotspots, API surface, type coverage, deps_lookup against the local index
// server (found, not found, skipped, failed), codegen output that compiles,
// and report.md / report.html.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "troupe/net/index_server.hpp"
#include "troupe_process.hpp"

using namespace troupe::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path project() {
  return source_dir() / "tests/fixtures/corpus/proj";
}

struct run_output {
  process_result process;
  json report;
};

run_output analyse(const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{troupe_binary(), "run", project().string(), "--quiet", "--no-cache",
                                "--out", out.string(), "--generate", "tests,docs"};
  args.insert(args.end(), extra.begin(), extra.end());
  run_output r;
  r.process = run(args);
  INFO(r.process.err);
  std::ifstream in{out / "report.json"};
  REQUIRE(in);
  r.report = json::parse(in);
  return r;
}

const json& agent_row(const json& report, const std::string& id) {
  for (const auto& a : report["agents"])
    if (a["id"] == id)
      return a;
  FAIL("no agent row " << id);
  static json none;
  return none;
}

std::set<std::string> unused_of(const json& report) {
  std::set<std::string> out;
  for (const auto& f : report["files"])
    for (const auto& u : f["unused_imports"])
      out.insert(f["path"].get<std::string>() + ":" + std::to_string(u["line"].get<int>()) + ":"
                 + u["name"].get<std::string>());
  return out;
}

std::string index_data() {
  return (source_dir() / "tests/fixtures/index/packages.json").string();
}

} // namespace

TEST_CASE("corpus agents compute the expected results on the fixture project",
          "[integration][corpus_agents]") {
  temp_dir tmp;
  auto r = analyse(tmp.path / "out");
  CHECK(r.process.exit_code == 0);
  const auto& report = r.report;
  const auto& modules = report["modules"];

  SECTION("every one of the 23 agents has a row; deps_lookup is skipped without an index") {
    std::set<std::string> ids;
    for (const auto& a : report["agents"])
      ids.insert(a["id"].get<std::string>());
    CHECK(ids.size() == 23);
    CHECK(agent_row(report, "deps_lookup")["status"] == "skipped");
    CHECK(agent_row(report, "deps_lookup")["reason"].get<std::string>().find("no package index")
          != std::string::npos);
    CHECK(agent_row(report, "quality_score")["status"] == "done");
  }

  SECTION("import graph and the a <-> b cycle") {
    std::set<std::string> edges;
    for (const auto& e : modules["import_graph"]["edges"])
      edges.insert(e[0].get<std::string>() + "->" + e[1].get<std::string>());
    CHECK(edges
          == std::set<std::string>{"pkg->pkg.a", "pkg->pkg.b", "pkg.a->pkg.b", "pkg.b->pkg.a",
                                   "pkg.c->pkg.a"});
    REQUIRE(modules["cycles"].size() == 1);
    CHECK(modules["cycles"][0] == json::array({"pkg.a", "pkg.b"}));
    auto external = modules["import_graph"]["external"];
    CHECK(external.contains("yaml"));
    CHECK(external.contains("PIL"));
    CHECK(external.contains("os"));
  }

  SECTION("unused imports as flake8's F401 reports them, __init__.py included") {
    // `flake8 --select=F401` on the same files reports exactly these.
    CHECK(unused_of(report)
          == std::set<std::string>{"pkg/__init__.py:2:.a.compute", "pkg/__init__.py:3:.b.helper",
                                   "pkg/__init__.py:4:json", "pkg/a.py:2:os",
                                   "pkg/b.py:2:collections as coll", "pkg/c.py:3:PIL.Image",
                                   "pkg/c.py:4:definitely_not_a_real_package_xyz"});
  }

  SECTION("dead code: only the never-referenced helper") {
    std::set<std::string> dead;
    for (const auto& d : modules["dead_code"])
      dead.insert(d["path"].get<std::string>() + ":" + d["qualname"].get<std::string>());
    CHECK(dead == std::set<std::string>{"pkg/a.py:_never_called", "_internal/tool.py:private_api"});
  }

  SECTION("duplicates: the two copies with renamed names and literals") {
    REQUIRE(modules["duplicates"].size() == 1);
    const auto& g = modules["duplicates"][0];
    CHECK(g["lines"] == 8);
    CHECK(g["functions"][0]["qualname"] == "first_copy");
    CHECK(g["functions"][1]["qualname"] == "second_copy");
  }

  SECTION("hotspots rank by complexity x lines") {
    const auto& hot = modules["hotspots"];
    REQUIRE(hot.size() >= 2);
    CHECK(hot[0]["qualname"] == "helper");
    CHECK(hot[0]["complexity"] == 5); // python3-mccabe: 5 (if, for, if/elif)
    CHECK(hot[0]["score"].get<double>() == 5.0 * hot[0]["lines"].get<double>());
  }

  SECTION("API surface leaves out private modules and names") {
    std::set<std::string> names;
    for (const auto& m : modules["api_surface"])
      for (const auto& e : m["entries"])
        names.insert(m["module"].get<std::string>() + ":" + e["name"].get<std::string>());
    CHECK(names.count("pkg.a:compute") == 1);
    CHECK(names.count("pkg.a:Runner.run") == 1);
    CHECK(names.count("pkg.a:_never_called") == 0);
    CHECK(names.count("_internal.tool:private_api") == 0);
    // The signature is in the file's entry, once.
    for (const auto& m : modules["api_surface"])
      if (m["module"] == "pkg.a")
        for (const auto& e : m["entries"])
          if (e["name"] == "compute") {
            CHECK_FALSE(e.contains("signature"));
            for (const auto& f : report["files"])
              if (f["path"] == m["path"])
                for (const auto& fn : f["functions"])
                  if (fn["qualname"] == "compute" && fn["line"] == e["line"])
                    CHECK(fn["signature"] == "(x: int, y: int = 2) -> int");
          }
  }

  SECTION("type coverage counts parameters and returns, receivers excluded") {
    const auto& tc = modules["type_coverage"];
    // a.py: compute x,y annotated + return; first_copy 1; second_copy 1;
    // _never_called 1 annotated (string); run n; step n -> 7 params, 3
    // annotated. b.py: helper 1, tokens 1. c.py: load 1 annotated, fetch 1,
    // make_runner 0. _internal: 0. broken.py: ok 0, broken (syntax error) 0.
    // Returns: 14 defs, annotated: compute, load, make_runner.
    CHECK(tc["returns"] == 14);
    CHECK(tc["params"] == 11);
    CHECK(tc["annotated_params"] == 4);
    CHECK(tc["annotated_returns"] == 3);
  }

  SECTION("codegen writes skeletons that compile, and Markdown pages") {
    const auto& gen = report["generated"];
    REQUIRE(!gen["tests"].empty());
    REQUIRE(!gen["docs"].empty());
    for (const auto& t : gen["tests"]) {
      auto path = tmp.path / "out" / t.get<std::string>();
      REQUIRE(fs::exists(path));
      auto compiled = run({"/usr/bin/python3", "-m", "py_compile", path.string()});
      INFO(path << ": " << compiled.err);
      CHECK(compiled.exit_code == 0);
    }
    auto page = slurp(tmp.path / "out/generated/docs/pkg.a.md");
    CHECK(page.find("def compute(x: int, y: int = 2) -> int") != std::string::npos);
    CHECK(page.find("Add two numbers after checking them.") != std::string::npos);
  }

  SECTION("report.md and a self-contained report.html") {
    auto md = slurp(tmp.path / "out/report.md");
    CHECK(md.find("## Hotspots") != std::string::npos);
    auto html = slurp(tmp.path / "out/report.html");
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
    CHECK(html.find("https://") == std::string::npos);
  }
}

TEST_CASE("codegen regenerates only what changed", "[integration][corpus_agents]") {
  temp_dir tmp;
  auto tree = tmp.path / "proj";
  fs::copy(project(), tree, fs::copy_options::recursive);
  auto out = tmp.path / "out";
  auto once = [&] {
    auto r = run({troupe_binary(), "run", tree.string(), "--quiet", "--no-cache", "--out",
                  out.string(), "--generate", "tests,docs"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  };
  once();
  auto a = out / "generated/tests/test_pkg_a.py";
  auto c = out / "generated/tests/test_pkg_c.py";
  REQUIRE(fs::exists(a));
  REQUIRE(fs::exists(c));
  // Make the mtimes of the first run recognisable.
  auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(a, old);
  fs::last_write_time(c, old);
  {
    std::ofstream add{tree / "pkg/a.py", std::ios::app};
    add << "\n\ndef added_later(x):\n    return x\n";
  }
  fs::remove(tree / "pkg/c.py");
  once();
  CHECK(fs::last_write_time(a) > old);           // its API changed: rendered again
  CHECK(slurp(a).find("def test_added_later") != std::string::npos);
  CHECK_FALSE(fs::exists(c));                     // its module is gone: removed
  auto b = out / "generated/tests/test_pkg_b.py";
  fs::last_write_time(b, old);
  once();
  CHECK(fs::last_write_time(b) == old);          // unchanged input: not rewritten
}

TEST_CASE("deps_lookup asks the local package index", "[integration][corpus_agents][net]") {
  troupe::net::index_server_options opts;
  opts.data_file = index_data();
  opts.latency = std::chrono::milliseconds(5);
  troupe::net::index_server server{opts};
  REQUIRE_FALSE(server.start());
  temp_dir tmp;
  auto url = "http://127.0.0.1:" + std::to_string(server.port());
  auto r = analyse(tmp.path / "out", {"--index", url});
  INFO(r.process.err);
  CHECK(r.process.exit_code == 0);
  const auto& deps = r.report["modules"]["deps"];
  CHECK(deps["status"] == "ok");
  std::map<std::string, json> by_import;
  for (const auto& d : deps["items"])
    by_import[d["import"].get<std::string>()] = d;
  REQUIRE(by_import.count("yaml"));
  CHECK(by_import["yaml"]["project"] == "PyYAML");
  CHECK(by_import["yaml"]["status"] == "found");
  CHECK(!by_import["yaml"]["version"].get<std::string>().empty());
  CHECK(by_import["PIL"]["project"] == "Pillow");
  CHECK(by_import["requests"]["status"] == "found");
  CHECK(by_import["definitely_not_a_real_package_xyz"]["status"] == "not_found");
  CHECK(by_import.count("os") == 0); // the standard library is never looked up
  CHECK(agent_row(r.report, "deps_lookup")["status"] == "done");
}

TEST_CASE("an unreachable index fails deps_lookup; the rest of the DAG completes",
          "[integration][corpus_agents][net]") {
  // A port that was just free: nothing listens there.
  std::uint16_t port = 0;
  {
    troupe::net::index_server_options opts;
    opts.data_file = index_data();
    troupe::net::index_server probe{opts};
    REQUIRE_FALSE(probe.start());
    port = probe.port();
  }
  temp_dir tmp;
  auto r = analyse(tmp.path / "out", {"--index", "http://127.0.0.1:" + std::to_string(port)});
  // A service that cannot be reached (README: exit codes).
  CHECK(r.process.exit_code == 69);
  const auto& row = agent_row(r.report, "deps_lookup");
  CHECK(row["status"] == "failed");
  CHECK(row["reason"].get<std::string>().find("lookups failed after retries") != std::string::npos);
  CHECK(agent_row(r.report, "hotspots")["status"] == "done");
  CHECK(agent_row(r.report, "quality_score")["status"] == "done");
  CHECK(r.report["modules"]["deps"]["status"] == "failed");
}
