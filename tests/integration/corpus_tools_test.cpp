// The corpus agents on the default corpus against independent tools:
// unused imports vs pyflakes (precision >= 95%, recall >= 90%), import
// cycles vs networkx on the same graph (equal), type coverage vs Python's
// ast (every file agrees). tests/tools/compare_corpus.py documents the
// deliberate differences.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "troupe_process.hpp"

using namespace troupe::test;
using nlohmann::json;

TEST_CASE("corpus agents agree with pyflakes, networkx and ast on the default corpus",
          "[corpus]") {
  temp_dir tmp;
  auto report = (tmp.path / "out/report.json").string();
  auto r = run({troupe_binary(), "run", "/usr/lib/python3.11", "--quiet", "--no-cache", "--out",
                (tmp.path / "out").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto verdict = (tmp.path / "compare.json").string();
  auto cmp = run({"/usr/bin/python3", (source_dir() / "tests/tools/compare_corpus.py").string(),
                  report, "/usr/lib/python3.11", "--json", verdict});
  INFO(cmp.out << cmp.err);
  REQUIRE(cmp.exit_code == 0);
  std::ifstream in{verdict};
  auto v = json::parse(in);
  INFO(v.dump(1));
  const auto& unused = v["unused_imports"];
  CHECK(unused["files"].get<int>() > 1600);
  CHECK(unused["precision"].get<double>() >= 0.95);
  CHECK(unused["recall"].get<double>() >= 0.90);
  CHECK(v["import_cycles"]["equal"] == true);
  CHECK(v["import_cycles"]["networkx"].get<int>() > 0);
  CHECK(v["type_coverage"]["mismatches"] == 0);
}
