// The analysis user's workflow, end to end on a fixture project that holds
// what real projects hold: a .git folder, a virtual environment, tool
// folders, .gitignore files (nested), noqa and nosec comments and a package
// folder analysed as the root. Checked: which files are analysed, module
// names, the findings against flake8 and bandit, the text and SARIF
// outputs, the CI exit codes, report.json against its schema, code
// generation as a choice, the command line, and the first rerun.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "troupe_process.hpp"

using namespace troupe::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream{p, std::ios::binary} << text;
}

/// The fixture project: sources from tests/fixtures/workflow plus the
/// folders a project holds besides its sources.
fs::path make_project(const fs::path& dir) {
  auto root = dir / "project";
  fs::copy(source_dir() / "tests/fixtures/workflow", root, fs::copy_options::recursive);
  write(root / ".git/HEAD", "ref: refs/heads/main\n");
  write(root / ".git/hooks/pre_commit.py", "import os\n");
  write(root / ".gitignore", "build/\n*_pb2.py\n");
  write(root / "build/lib/generated.py", "import os\n");
  write(root / "proto_pb2.py", "import os\n");
  write(root / "sub/.gitignore", "local_*.py\n!local_keep.py\n");
  write(root / "sub/local_scratch.py", "import os\n");
  write(root / "sub/local_keep.py", "X = 1\n");
  write(root / "sub/mod.py", "Y = 2\n");
  write(root / ".venv/pyvenv.cfg", "home = /usr/bin\n");
  write(root / ".venv/lib/python3.11/site-packages/dep/__init__.py", "import os\n");
  write(root / "env2/pyvenv.cfg", "home = /usr/bin\n");
  write(root / "env2/lib/python3.11/site-packages/other.py", "import os\n");
  write(root / "node_modules/pkg/tool.py", "import os\n");
  write(root / ".tox/py311/lib/x.py", "import os\n");
  write(root / "__pycache__/stale.py", "import os\n");
  write(root / "vendor/third.py", "import os\n");
  return root;
}

json load_json(const fs::path& p) {
  std::ifstream in{p};
  REQUIRE(in);
  return json::parse(in);
}

std::set<std::string> paths_of(const json& report) {
  std::set<std::string> out;
  for (const auto& f : report["files"])
    out.insert(f["path"].get<std::string>());
  return out;
}

struct analysed {
  process_result process;
  json report;
};

analysed analyse(const fs::path& root, const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{troupe_binary(), "run", root.string(), "--no-cache", "--out",
                                out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  analysed a;
  a.process = run(args);
  if (fs::exists(out / "report.json"))
    a.report = load_json(out / "report.json");
  return a;
}

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      out.insert(line);
  return out;
}

/// Validates `instance` against `schema` with python3-jsonschema.
process_result validate(const fs::path& schema, const fs::path& instance) {
  return run({"/usr/bin/python3", "-c",
              "import json, sys, jsonschema\n"
              "schema = json.load(open(sys.argv[1]))\n"
              "doc = json.load(open(sys.argv[2]))\n"
              "cls = jsonschema.validators.validator_for(schema)\n"
              "cls.check_schema(schema)\n"
              "errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))\n"
              "for e in errors[:20]: print(list(e.path), e.message[:300])\n"
              "sys.exit(1 if errors else 0)\n",
              schema.string(), instance.string()});
}

} // namespace

TEST_CASE("excludes: tool folders, virtual environments, .gitignore files, --exclude",
          "[integration][workflow]") {
  temp_dir tmp;
  auto root = make_project(tmp.path);
  auto a = analyse(root, tmp.path / "out");
  INFO(a.process.err);
  REQUIRE(a.process.exit_code == 0);
  const std::set<std::string> sources{"app/__init__.py", "app/core.py", "naming_noqa.py",
                                      "nosec_calls.py", "noqa_imports.py", "sub/local_keep.py",
                                      "sub/mod.py", "vendor/third.py"};
  CHECK(paths_of(a.report) == sources);
  CHECK(a.report["run"]["excluded"]["default"].get<int>() >= 6);
  CHECK(a.report["run"]["excluded"]["gitignore"].get<int>() == 3);

  SECTION("--exclude (repeatable) and the profile's analysis.exclude") {
    auto b = analyse(root, tmp.path / "out2", {"--exclude", "vendor/", "--exclude", "sub/*.py"});
    INFO(b.process.err);
    auto want = sources;
    for (auto p : {"vendor/third.py", "sub/local_keep.py", "sub/mod.py"})
      want.erase(p);
    CHECK(paths_of(b.report) == want);
    write(tmp.path / "p.yaml", "extends: balanced\nanalysis:\n  exclude: [\"vendor/\"]\n");
    auto c = analyse(root, tmp.path / "out3", {"--profile", (tmp.path / "p.yaml").string()});
    INFO(c.process.err);
    CHECK(paths_of(c.report).count("vendor/third.py") == 0);
    CHECK(paths_of(c.report).size() == sources.size() - 1);
  }
  SECTION("--no-ignore reads no .gitignore; a profile can keep the tool folders") {
    auto b = analyse(root, tmp.path / "out2", {"--no-ignore"});
    auto want = sources;
    want.insert({"build/lib/generated.py", "proto_pb2.py", "sub/local_scratch.py"});
    CHECK(paths_of(b.report) == want);
    write(tmp.path / "p.yaml",
          "extends: balanced\nanalysis:\n  default_excludes: false\n  gitignore: false\n");
    auto c = analyse(root, tmp.path / "out3", {"--profile", (tmp.path / "p.yaml").string()});
    INFO(c.process.err);
    CHECK(paths_of(c.report).count(".venv/lib/python3.11/site-packages/dep/__init__.py") == 1);
    CHECK(paths_of(c.report).count(".git/hooks/pre_commit.py") == 1);
  }
  SECTION("outside a git work tree .gitignore files are not read") {
    fs::remove_all(root / ".git");
    auto b = analyse(root, tmp.path / "out2");
    CHECK(paths_of(b.report).count("proto_pb2.py") == 1);
  }
}

TEST_CASE("a package folder as the root names its modules from the package",
          "[integration][workflow]") {
  temp_dir tmp;
  auto root = make_project(tmp.path);
  auto a = analyse(root / "app", tmp.path / "out", {"--generate", "tests,docs"});
  INFO(a.process.err);
  REQUIRE(a.process.exit_code == 0);
  std::map<std::string, std::string> module_of;
  for (const auto& f : a.report["files"])
    module_of[f["path"].get<std::string>()] = f["module"].get<std::string>();
  CHECK(module_of["__init__.py"] == "app");
  CHECK(module_of["core.py"] == "app.core");
  CHECK(fs::exists(tmp.path / "out/generated/docs/app.md"));
  CHECK(fs::exists(tmp.path / "out/generated/docs/app.core.md"));
  CHECK_FALSE(fs::exists(tmp.path / "out/generated/docs/.md"));
  auto skeleton = slurp(tmp.path / "out/generated/tests/test_app_core.py");
  CHECK(skeleton.find("app.core") != std::string::npos);
}

TEST_CASE("findings follow flake8's noqa and bandit's nosec", "[integration][workflow]") {
  temp_dir tmp;
  auto root = make_project(tmp.path);
  auto a = analyse(root, tmp.path / "out", {"--format", "text"});
  INFO(a.process.err);
  REQUIRE(a.process.exit_code == 0);
  auto text = lines_of(a.process.out);

  SECTION("F401 and N8 as `flake8 --select=F401,N8` prints them (columns aside)") {
    // flake8 5.0.4 with pep8-naming 0.10.0 on the same files (the fixture's
    // expected output); the text format has column 1 throughout.
    const std::set<std::string> flake8{
      "app/__init__.py:2:1: F401 '.core.run_all' imported but unused",
      "app/__init__.py:3:1: F401 'json' imported but unused",
      "noqa_imports.py:7:1: F401 'csv' imported but unused",
      "noqa_imports.py:8:1: F401 'glob' imported but unused",
      "noqa_imports.py:10:1: F401 'collections.OrderedDict' imported but unused",
      "noqa_imports.py:10:1: F401 'collections.defaultdict' imported but unused",
      "noqa_imports.py:18:1: F401 'string as strings' imported but unused",
      "noqa_imports.py:19:1: F401 'string.templatelib' imported but unused",
      "naming_noqa.py:8:1: N802 function name 'OtherBad' should be lowercase",
      "naming_noqa.py:16:1: N801 class name 'another_lower' should use CapWords convention",
      "vendor/third.py:1:1: F401 'os' imported but unused",
    };
    std::set<std::string> ours;
    for (const auto& line : text)
      if (line.find(": F401 ") != std::string::npos || line.find(": N8") != std::string::npos)
        ours.insert(line);
    CHECK(ours == flake8);
  }
  SECTION("the same with flake8 itself, when run here") {
    auto f = run({"/usr/bin/flake8", "--select=F401,N8",
                  "--format=%(path)s:%(row)d:1: %(code)s %(text)s", "--exclude=.git,.venv,env2,"
                  "node_modules,.tox,__pycache__,build,local_scratch.py,proto_pb2.py",
                  root.string()});
    REQUIRE(f.err.find("Traceback") == std::string::npos);
    REQUIRE(f.exit_code == 1);
    std::set<std::string> theirs;
    for (auto line : lines_of(f.out)) {
      auto prefix = root.string() + "/";
      if (line.rfind(prefix, 0) == 0)
        line = line.substr(prefix.size());
      theirs.insert(line);
    }
    std::set<std::string> ours;
    for (const auto& line : text)
      if (line.find(": F401 ") != std::string::npos || line.find(": N8") != std::string::npos)
        ours.insert(line);
    CHECK(ours == theirs);
  }
  SECTION("nosec: bare and with a reason silences all; with ids or names only those") {
    std::set<std::string> security;
    for (const auto& line : text)
      if (line.find(": B") != std::string::npos)
        security.insert(line.substr(0, line.find(' ', line.find(": B") + 2)));
    CHECK(security
          == std::set<std::string>{"nosec_calls.py:8:1: B602", "nosec_calls.py:12:1: B307",
                                   "nosec_calls.py:13:1: B602"});
  }
  SECTION("TODO and FIXME comments as flake8-fixme's codes") {
    CHECK(text.count("naming_noqa.py:20:1: T101 fixme found (TODO): TODO: remove the bad names")
          == 1);
    CHECK(text.count("naming_noqa.py:21:1: T100 fixme found (FIXME): FIXME this too") == 1);
  }
  SECTION("the re-export reading of __init__.py is an option") {
    write(tmp.path / "p.yaml", "extends: balanced\nanalysis:\n  init_reexports: true\n");
    auto b = analyse(root, tmp.path / "out2",
                     {"--format", "text", "--profile", (tmp.path / "p.yaml").string()});
    INFO(b.process.err);
    auto lines = lines_of(b.process.out);
    CHECK(std::none_of(lines.begin(), lines.end(), [](const std::string& l) {
      return l.rfind("app/__init__.py", 0) == 0;
    }));
  }
  SECTION("report.md and report.html list the findings worst first with links") {
    auto md = slurp(tmp.path / "out/report.md");
    auto summary = md.find("## Summary");
    auto findings = md.find("## Findings");
    auto agents = md.find("## Agents");
    REQUIRE(summary != std::string::npos);
    REQUIRE(findings != std::string::npos);
    CHECK(summary < findings);
    CHECK(findings < agents);
    auto high = md.find("| high | B602 |");
    auto low = md.find("| low | F401 |");
    REQUIRE(high != std::string::npos);
    REQUIRE(low != std::string::npos);
    CHECK(high < low);
    CHECK(md.find("(file://" + root.string() + "/nosec_calls.py#L8)") != std::string::npos);
    auto html = slurp(tmp.path / "out/report.html");
    CHECK(html.find("<a href=\"file://" + root.string() + "/nosec_calls.py#L13\">")
          != std::string::npos);
  }
}

TEST_CASE("SARIF output and report.json validate against their schemas",
          "[integration][workflow]") {
  temp_dir tmp;
  auto root = make_project(tmp.path);
  auto a = analyse(root, tmp.path / "out", {"--format", "sarif"});
  INFO(a.process.err);
  REQUIRE(a.process.exit_code == 0);
  write(tmp.path / "out.sarif", a.process.out);
  auto sarif = json::parse(a.process.out);
  CHECK(sarif["version"] == "2.1.0");
  const auto& results = sarif["runs"][0]["results"];
  CHECK(results.size() >= 12);
  auto v = validate(source_dir() / "tests/fixtures/schemas/sarif-2.1.0-rtm.5.json",
                    tmp.path / "out.sarif");
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  // The reports are still written.
  CHECK(fs::exists(tmp.path / "out/report.md"));
  auto r = validate(source_dir() / "docs/report.schema.json", tmp.path / "out/report.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(a.report["schema_version"] == 2);
  CHECK(a.report["tool"]["name"] == "troupe");
  CHECK(a.report["generated_at"].get<std::string>().size() == 20);
}

TEST_CASE("--fail-on and --fail-under give CI its exit codes", "[integration][workflow]") {
  temp_dir tmp;
  auto root = make_project(tmp.path);
  CHECK(analyse(root, tmp.path / "o1", {"--quiet", "--fail-on", "high"}).process.exit_code == 3);
  CHECK(analyse(root / "app", tmp.path / "o2", {"--quiet", "--fail-on", "medium"})
          .process.exit_code
        == 0);
  CHECK(analyse(root / "app", tmp.path / "o3", {"--quiet", "--fail-on", "low"}).process.exit_code
        == 3);
  CHECK(analyse(root, tmp.path / "o4", {"--quiet", "--fail-under", "99.9"}).process.exit_code
        == 4);
  CHECK(analyse(root, tmp.path / "o5", {"--quiet", "--fail-under", "1"}).process.exit_code == 0);
  auto bad = analyse(root, tmp.path / "o6", {"--fail-on", "severe"});
  CHECK(bad.process.exit_code == 2);
  CHECK(bad.process.err.find("--fail-on severe") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.path / "o6"));
}

TEST_CASE("code generation is a choice, off for a project by default",
          "[integration][workflow]") {
  temp_dir tmp;
  auto root = make_project(tmp.path);
  auto a = analyse(root, tmp.path / "out");
  REQUIRE(a.process.exit_code == 0);
  CHECK_FALSE(fs::exists(tmp.path / "out/generated"));
  for (const auto& row : a.report["agents"])
    if (row["id"] == "codegen_tests" || row["id"] == "codegen_docs")
      CHECK(row["status"] == "skipped");
  auto b = analyse(root, tmp.path / "out2", {"--generate", "docs"});
  CHECK(fs::exists(tmp.path / "out2/generated/docs"));
  CHECK_FALSE(fs::exists(tmp.path / "out2/generated/tests"));
  write(tmp.path / "p.yaml", "extends: balanced\nanalysis:\n  generate: [tests]\n");
  auto c = analyse(root, tmp.path / "out3", {"--profile", (tmp.path / "p.yaml").string()});
  CHECK(fs::exists(tmp.path / "out3/generated/tests"));
  CHECK_FALSE(fs::exists(tmp.path / "out3/generated/docs"));
  auto bad = analyse(root, tmp.path / "out4", {"--generate", "tests,api"});
  CHECK(bad.process.exit_code == 2);
  CHECK(bad.process.err.find("--generate api") != std::string::npos);
}

TEST_CASE("the command line names the bad word and suggests the nearest",
          "[integration][workflow]") {
  auto rnu = run({troupe_binary(), "rnu"});
  CHECK(rnu.exit_code == 2);
  CHECK(rnu.err.find("unknown command 'rnu'; did you mean 'run'?") != std::string::npos);
  auto flag = run({troupe_binary(), "run", "--wokers", "2"});
  CHECK(flag.exit_code == 2);
  CHECK(flag.err.find("unknown option '--wokers'; did you mean '--workers'?")
        != std::string::npos);
  auto sub = run({troupe_binary(), "cache", "stat"});
  CHECK(sub.exit_code == 2);
  CHECK(sub.err.find("did you mean 'stats'?") != std::string::npos);
  auto help = run({troupe_binary(), "--help"});
  CHECK(help.out.find("Usage: troupe ") != std::string::npos);
  CHECK(help.out.find(troupe_binary()) == std::string::npos);
  auto v1 = run({troupe_binary(), "--version"});
  auto v2 = run({troupe_binary(), "version"});
  CHECK(v1.out == v2.out);
  CHECK(v1.out.rfind("troupe ", 0) == 0);
}

TEST_CASE("options after the subcommand, logging and colour", "[integration][workflow]") {
  temp_dir tmp;
  auto root = make_project(tmp.path);
  auto cache = tmp.path / "cache";
  auto stats = run({troupe_binary(), "cache", "stats", "--cache-dir", cache.string()});
  INFO(stats.err);
  CHECK(stats.exit_code == 0);
  auto quiet = run({troupe_binary(), "run", root.string(), "--no-cache", "--out",
                    (tmp.path / "o1").string(), "--quiet"});
  CHECK(quiet.err.find("debug") == std::string::npos);
  auto verbose = run({troupe_binary(), "run", root.string(), "--no-cache", "--out",
                      (tmp.path / "o2").string(), "--quiet", "-v"});
  CHECK(verbose.err.find("troupe: debug: ") != std::string::npos);
  auto level = run({troupe_binary(), "--log-level", "debug", "run", root.string(), "--no-cache",
                    "--out", (tmp.path / "o3").string(), "--quiet"});
  CHECK(level.err.find("troupe: debug: ") != std::string::npos);
  auto after = run({troupe_binary(), "run", root.string(), "--no-cache", "--out",
                    (tmp.path / "o4").string(), "--quiet", "--log-level", "debug"});
  CHECK(after.err.find("troupe: debug: ") != std::string::npos);
  // stderr is a file here (not a terminal): no colour codes.
  CHECK(verbose.err.find('\x1b') == std::string::npos);
  // On a terminal (script(1) gives one) colour is on unless NO_COLOR is set.
  auto typescript = (tmp.path / "typescript").string();
  auto cmd = troupe_binary() + " run " + root.string() + " --no-cache --quiet -v --out "
             + (tmp.path / "o5").string();
  auto tty = run({"/usr/bin/script", "-q", "-e", "-c", cmd, typescript});
  REQUIRE(tty.exit_code == 0);
  CHECK(tty.out.find("\x1b[") != std::string::npos);
  auto no_color = run({"/usr/bin/env", "NO_COLOR=1", "/usr/bin/script", "-q", "-e", "-c", cmd,
                       typescript});
  REQUIRE(no_color.exit_code == 0);
  CHECK(no_color.out.find("troupe: debug: ") != std::string::npos);
  CHECK(no_color.out.find("\x1b[") == std::string::npos);
}

TEST_CASE("a package index: a bad URL is a usage error, an unreachable one exit 69",
          "[integration][workflow]") {
  temp_dir tmp;
  auto root = make_project(tmp.path);
  auto bad = analyse(root, tmp.path / "o1", {"--index", "notaurl"});
  CHECK(bad.process.exit_code == 2);
  CHECK(bad.process.err.find("--index notaurl") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.path / "o1"));
  // A port that was just free: nothing listens there.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  auto port = ntohs(addr.sin_port);
  close(fd);
  write(root / "uses_dep.py", "import requests\nrequests.get\n");
  auto down = analyse(root, tmp.path / "o2",
                      {"--quiet", "--index", "http://127.0.0.1:" + std::to_string(port)});
  INFO(down.process.err);
  CHECK(down.process.exit_code == 69);
}

TEST_CASE("a cold run stores what the first rerun needs", "[integration][workflow]") {
  temp_dir tmp;
  auto root = make_project(tmp.path);
  // A file that is not UTF-8: its verdict depends on its content only and
  // is remembered like a record (rereading it every run cost 9 L2 misses).
  write(root / "latin.py", "s = '\xe9t\xe9'\n");
  // Two files of one content: the cold run finds the second's records in
  // memory, and is still a cold run.
  for (int i = 0; i < 10; ++i)
    write(root / ("copies/copy_" + std::to_string(i) + ".py"), "X = 1\n");
  // Files changed within a second before a run are not remembered by the
  // digest memo: let the fresh copy age first.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto cache = tmp.path / "cache";
  auto out = tmp.path / "out";
  auto once = [&](const std::string& json_name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{troupe_binary(), "run", root.string(), "--quiet",
                                  "--cache-dir", cache.string(), "--out", out.string(),
                                  "--json", (tmp.path / json_name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return load_json(tmp.path / json_name);
  };
  auto cold = once("cold.json");
  CHECK(cold["run"]["cache"]["l2"]["hits"] == 0);
  CHECK(cold["run"]["skipped_files"]["not_utf8"] == 1);
  auto first = once("first.json");
  CHECK(first["run"]["cache"]["run_memo"] == "hit");
  // The reports of a memo run have their links and their run and agents
  // tables (head, stored body, tail).
  for (const auto* name : {"report.md", "report.html"}) {
    INFO(name);
    auto text = slurp(out / name);
    auto findings = text.find("Findings");
    auto agents = text.find("Agents", findings);
    CHECK(findings != std::string::npos);
    CHECK(agents != std::string::npos);
    CHECK(text.find("file://" + root.string() + "/nosec_calls.py#L8") != std::string::npos);
    CHECK(text.find('\x01') == std::string::npos);
  }
  CHECK(slurp(out / "report.html").find("</body></html>") != std::string::npos);
  // Without the memo every per-file record is found: no L2 miss at all.
  auto records = once("records.json", {"--no-run-memo"});
  CHECK(records["run"]["cache"]["l2"]["misses"] == 0);
  CHECK(records["run"]["cache"]["l2"]["hits"].get<int>() > 0);
  CHECK(records["run"]["skipped_files"]["not_utf8"] == 1);
}
