// The extraction on tests/fixtures/python/*.py must equal what Python 3.11's
// ast reports, as recorded once by tests/tools/ast_symbols.py --full in
// expected_symbols.json.
#include "symbols_json.hpp"

#include "troupe/actors/file/extract_symbols.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

using namespace troupe::actors;

namespace {

const std::string fixture_dir = TROUPE_PYTHON_FIXTURES;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

file_symbols extract_fixture(const std::string& name, python_parser& parser) {
  auto source = decode_python_source(read_file(fixture_dir + "/" + name),
                                     1 << 20);
  INFO(source.detail);
  REQUIRE(source.status == source_status::ok);
  auto tree = parser.parse(source.text);
  return extract_symbols(tree, source.text);
}

} // namespace

TEST_CASE("fixtures match Python's ast", "[extract_symbols][fixtures]") {
  auto expected = nlohmann::json::parse(
    read_file(fixture_dir + "/expected_symbols.json"));
  REQUIRE(expected["files"].size() >= 10);
  python_parser parser;
  for (const auto& [name, want] : expected["files"].items()) {
    INFO(name);
    auto symbols = extract_fixture(name, parser);
    CHECK(symbols.parse_errors == 0);
    auto got = testing::to_json(symbols);
    for (auto kind : {"functions", "classes"}) {
      INFO(kind);
      REQUIRE(got[kind].size() == want[kind].size());
      for (std::size_t i = 0; i < want[kind].size(); ++i)
        CHECK(got[kind][i].dump() == want[kind][i].dump());
    }
  }
}

TEST_CASE("fixtures Python rejects have syntax errors",
          "[extract_symbols][fixtures]") {
  auto expected = nlohmann::json::parse(
    read_file(fixture_dir + "/expected_symbols.json"));
  REQUIRE_FALSE(expected["unparsed"].empty());
  python_parser parser;
  for (const auto& [name, reason] : expected["unparsed"].items()) {
    INFO(name << ": " << reason.get<std::string>());
    auto symbols = extract_fixture(name, parser);
    CHECK(symbols.parse_errors > 0);
  }
}

TEST_CASE("the Latin-1 and BOM fixtures decode as declared",
          "[python_source][fixtures]") {
  auto latin1 = decode_python_source(
    read_file(fixture_dir + "/latin1_cookie.py"), 1 << 20);
  CHECK(latin1.status == source_status::ok);
  CHECK(latin1.encoding == "iso-8859-1");
  CHECK(latin1.text.find("caf\xC3\xA9_free_name") != std::string::npos);
  auto bytes = read_file(fixture_dir + "/utf8_bom.py");
  REQUIRE(bytes.compare(0, 3, "\xEF\xBB\xBF") == 0);
  auto bom = decode_python_source(bytes, 1 << 20);
  CHECK(bom.status == source_status::ok);
  CHECK(bom.text == bytes.substr(3));
}
