// The metric extractors on tests/fixtures/python/metrics/*.py must equal what
// Python's tools report, as recorded once by
//   /usr/bin/python3 tests/tools/ast_metrics.py tests/fixtures/python/metrics
// in expected_metrics.json; the size fixtures are also checked against counts
// derived by hand.
#include "metrics_json.hpp"

#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

using namespace troupe::actors;

namespace {

std::string fixture_dir() {
  const char* root = std::getenv("TROUPE_SOURCE_DIR");
  REQUIRE(root != nullptr);
  return std::string{root} + "/tests/fixtures/python/metrics";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

nlohmann::json analyse_fixture(const std::string& name,
                               const std::vector<std::string>& agents) {
  auto source = decode_python_source(read_file(fixture_dir() + "/" + name),
                                     1 << 20);
  REQUIRE(source.status == source_status::ok);
  python_parser parser;
  auto tree = parser.parse(source.text);
  CHECK(tree.syntax_errors() == 0);
  return testing::analyse(tree, source.text, agents);
}

} // namespace

TEST_CASE("metric fixtures match Python's tools", "[metrics][fixtures]") {
  auto expected = nlohmann::json::parse(
    read_file(fixture_dir() + "/expected_metrics.json"));
  REQUIRE(expected["files"].size() >= 6);
  REQUIRE(expected["unparsed"].empty());
  for (const auto& [name, want] : expected["files"].items()) {
    std::vector<std::string> agents;
    for (const auto& [agent, record] : want.items())
      agents.push_back(agent);
    REQUIRE(agents.size() == 5);
    auto got = analyse_fixture(name, agents);
    for (const auto& agent : agents) {
      INFO(name << ": " << agent);
      CHECK(got[agent].dump() == want[agent].dump());
    }
  }
}

TEST_CASE("size counts derived by hand", "[metrics][size][fixtures]") {
  // size_lines.py, line by line: docstring 2,3,10,22,23,24; comment 1 (the
  // #! line), 5, 14, 26 (inside brackets); blank 4,7,8,17 (a tab),19 (spaces),
  // 20; code 6 (with a trailing comment), 9, 11-13 (a string with a blank
  // line inside), 15-16 (a backslash continuation), 18, 21, 25, 27.
  auto lines = analyse_fixture("size_lines.py", {"size"})["size"];
  CHECK(lines["total"] == 27);
  CHECK(lines["docstring"] == 6);
  CHECK(lines["comment"] == 4);
  CHECK(lines["blank"] == 6);
  CHECK(lines["code"] == 11);
  // size_crlf.py: "x = 1\r\n\r\n# crlf comment\r\ny = 2", no final newline.
  auto crlf = analyse_fixture("size_crlf.py", {"size"})["size"];
  CHECK(crlf == nlohmann::json{{"total", 4}, {"code", 2}, {"comment", 1},
                               {"blank", 1}, {"docstring", 0}});
}

TEST_CASE("complexity fixture: mccabe's figures by hand",
          "[metrics][complexity][fixtures]") {
  // `/usr/bin/python3 -m mccabe --min 1 complexity_rules.py` prints these.
  auto graphs = analyse_fixture("complexity_rules.py",
                                {"complexity"})["complexity"];
  std::map<std::string, int> got;
  for (const auto& graph : graphs)
    got[graph["key"].get<std::string>()] = graph["complexity"].get<int>();
  std::map<std::string, int> want{
    {"straight", 1},       {"branches", 4},        {"loops", 4},
    {"handlers", 4},       {"only_finally", 2},    {"star_handlers", 1},
    {"star_with_space", 1}, {"matching", 1},       {"with_blocks", 2},
    {"async_forms", 3},    {"outer", 6},           {"Widget.run", 2},
    {"Widget.value", 2},   {"Widget.Inner.deep", 1}, {"Widget.If 129", 3},
    {"If 134", 4},         {"Loop 140", 2},        {"Loop 143", 3},
    {"TryExcept 147", 4},  {"in_with", 2}};
  CHECK(got == want);
}
