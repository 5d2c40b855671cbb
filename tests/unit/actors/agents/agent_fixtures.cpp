#include "agent_fixtures.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include <catch2/catch.hpp>

#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

namespace troupe::actors::testing {

std::string metrics_fixture_dir() {
  const char* root = std::getenv("TROUPE_SOURCE_DIR");
  REQUIRE(root != nullptr);
  return std::string{root} + "/tests/fixtures/python/metrics";
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

parsed_fixture parse_fixture(const std::string& name) {
  auto source = decode_python_source(read_bytes(metrics_fixture_dir() + "/" + name), 1 << 20);
  REQUIRE(source.status == source_status::ok);
  parsed_fixture out;
  out.text = std::move(source.text);
  python_parser parser;
  out.tree = parser.parse(out.text);
  REQUIRE(out.tree);
  CHECK(out.tree.syntax_errors() == 0);
  return out;
}

std::shared_ptr<const file_agent> builtin_agent(std::string_view id) {
  for (auto& agent : builtin_file_agents())
    if (agent->descriptor().id == id)
      return agent;
  FAIL("no built-in file agent " << id);
  return nullptr;
}

nlohmann::json members_of(const file_agent& agent, std::string_view record) {
  std::ostringstream text;
  json_writer out{text};
  out.begin_object();
  bool ok = agent.write_json(record, out);
  out.end_object();
  if (!ok) {
    CHECK(text.str() == "{}");
    return nullptr;
  }
  INFO(text.str());
  return nlohmann::json::parse(text.str());
}

} // namespace troupe::actors::testing
