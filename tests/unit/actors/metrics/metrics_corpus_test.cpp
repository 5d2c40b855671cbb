// Corpus agreement (label "corpus"): on every file of /usr/lib/python3.11
// that Python's ast parses, the complexity and imports records must equal
// what tests/tools/ast_metrics.py computes at test time with Debian's
// /usr/bin/python3 (python3-mccabe and ast). The reference runs in a child
// process while this process runs troupe's extractors.
#include "metrics_json.hpp"

#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace troupe::actors;

namespace {

const std::string corpus = "/usr/lib/python3.11";
const std::string python = "/usr/bin/python3";

// Files where troupe deliberately differs, with the agent and the reason;
// each must still differ (and have a syntax error), or leave this list.
const std::map<std::string, std::string> known_differences{
  // `from __future__ import *`: ast accepts it, the compiler and the
  // tree-sitter grammar reject it (see metrics_rules_test.cpp).
  {"test/badsyntax_future8.py", "imports"},
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("complexity and imports agree with mccabe and ast on the corpus",
          "[metrics][corpus]") {
  const char* source_dir = std::getenv("TROUPE_SOURCE_DIR");
  REQUIRE(source_dir != nullptr);
  if (!fs::is_directory(corpus) || !fs::exists(python)
      || std::system((python + " -c 'import mccabe' 2>/dev/null").c_str()) != 0) {
    TROUPE_SKIP("no corpus, /usr/bin/python3 or python3-mccabe: nothing to compare");
  }
  auto started = std::chrono::steady_clock::now();
  auto reference_path = fs::temp_directory_path()
                        / ("troupe_metrics_ref_" + std::to_string(getpid())
                           + ".json");
  auto command = python + " " + source_dir + "/tests/tools/ast_metrics.py "
                 + corpus + " --agents complexity,imports --jobs 2 > "
                 + reference_path.string();
  int status = -1;
  std::thread reference{[&] { status = std::system(command.c_str()); }};
  std::vector<fs::path> paths;
  for (auto it = fs::recursive_directory_iterator(corpus);
       it != fs::recursive_directory_iterator(); ++it)
    if (!it->is_symlink() && it->is_regular_file()
        && it->path().extension() == ".py")
      paths.push_back(it->path());
  std::map<std::string, nlohmann::json> ours;
  std::map<std::string, std::uint32_t> parse_errors;
  python_parser parser;
  for (const auto& path : paths) {
    auto relpath = path.lexically_relative(corpus).generic_string();
    auto source = decode_python_source(read_file(path), 64u << 20);
    if (source.status != source_status::ok)
      continue;
    auto tree = parser.parse(source.text);
    parse_errors[relpath] = tree.syntax_errors();
    ours[relpath] = testing::analyse(tree, source.text,
                                     {"complexity", "imports"});
  }
  reference.join();
  REQUIRE(status == 0);
  auto expected = nlohmann::json::parse(read_file(reference_path));
  fs::remove(reference_path);
  REQUIRE(expected["files"].size() >= 1600);
  std::size_t compared = 0, mismatches = 0;
  std::set<std::string> seen_known;
  for (const auto& [path, want] : expected["files"].items()) {
    auto found = ours.find(path);
    INFO(path);
    REQUIRE(found != ours.end());
    for (auto agent : {"complexity", "imports"}) {
      ++compared;
      bool equal = found->second[agent] == want[agent];
      auto known = known_differences.find(path);
      if (known != known_differences.end() && known->second == agent) {
        CHECK_FALSE(equal);
        CHECK(parse_errors[path] > 0);
        seen_known.insert(path);
        continue;
      }
      if (!equal) {
        ++mismatches;
        INFO(agent << " reference: " << want[agent].dump().substr(0, 600));
        INFO(agent << " troupe:    " << found->second[agent].dump().substr(0, 600));
        CHECK(equal);
      }
    }
  }
  CHECK(seen_known.size() == known_differences.size());
  CHECK(mismatches == 0);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                               - started).count();
  WARN(expected["files"].size() << " files, " << compared
       << " records compared, " << mismatches << " mismatches, "
       << seconds << " s");
}
