// File: helpers shared by the file agent tests: parsed fixtures and an
// agent's report.json members as a DOM.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "troupe/actors/file/file_agent.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors::testing {

/// tests/fixtures/python/metrics (from TROUPE_SOURCE_DIR).
std::string metrics_fixture_dir();

/// The bytes of a file; fails the test when it cannot be read.
std::string read_bytes(const std::string& path);

/// A fixture decoded to UTF-8 and parsed, ready for `analyse`.
struct parsed_fixture {
  std::string text;
  syntax_tree tree;
};

/// Decodes and parses tests/fixtures/python/metrics/`name`.
parsed_fixture parse_fixture(const std::string& name);

/// The built-in agent with this id; fails the test when there is none.
std::shared_ptr<const file_agent> builtin_agent(std::string_view id);

/// `agent.write_json(record)` inside an object, parsed back; null when
/// write_json returns false (and then nothing may have been written).
nlohmann::json members_of(const file_agent& agent, std::string_view record);

} // namespace troupe::actors::testing
