// The default corpus, analysed by troupe, against Python's own ast.
#include <catch2/catch.hpp>

#include <regex>

#include "troupe_process.hpp"

using namespace troupe::test;

TEST_CASE("functions and classes agree with ast on every file of the corpus Python parses",
          "[corpus]") {
  temp_dir tmp;
  auto report = (tmp.path / "report.json").string();
  auto r = run({troupe_binary(), "run", "/usr/lib/python3.11", "--json", report, "--quiet",
                "--no-cache", "--out", (tmp.path / "out").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto cmp = run({"/usr/bin/python3",
                  (source_dir() / "tests/tools/compare_report.py").string(), report});
  INFO(cmp.out.substr(cmp.out.size() > 4000 ? cmp.out.size() - 4000 : 0));
  CHECK(cmp.exit_code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(cmp.out, m,
                            std::regex{"files compared: (\\d+), agreeing: (\\d+), mismatches: (\\d+)"}));
  auto compared = std::stoi(m[1]);
  CHECK(compared > 1600);
  CHECK(m[2] == m[1]);
  CHECK(std::stoi(m[3]) == 0);
}
