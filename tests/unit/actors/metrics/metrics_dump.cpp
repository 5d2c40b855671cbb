// File: troupe_metrics_dump, a harness that runs decode, parse and the metric
// extractors over a directory tree and prints the records in the form of
// tests/tools/ast_metrics.py, so tests/tools/compare_metrics.py can diff them.
//
//   troupe_metrics_dump [ROOT] [--agents size,complexity,...] [--out FILE]
//   troupe_metrics_dump --tree FILE     (prints the syntax tree of FILE)
//
// ROOT defaults to /usr/lib/python3.11; files that do not decode are listed
// under "undecoded".
#include "metrics_json.hpp"
#include "../corpus_dump.hpp"

#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace fs = std::filesystem;
using namespace troupe::actors;

int main(int argc, char** argv) {
  fs::path root = "/usr/lib/python3.11";
  std::string out_path;
  std::vector<std::string> agents{"size", "complexity", "imports",
                                  "docstrings", "todos"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out_path = argv[++i];
    } else if (arg == "--agents" && i + 1 < argc) {
      agents.clear();
      std::stringstream list{argv[++i]};
      for (std::string agent; std::getline(list, agent, ',');)
        agents.push_back(agent);
    } else if (arg == "--tree" && i + 1 < argc) {
      std::ifstream in(argv[++i], std::ios::binary);
      std::string bytes{std::istreambuf_iterator<char>(in),
                        std::istreambuf_iterator<char>()};
      auto source = decode_python_source(bytes, 64u << 20);
      python_parser parser;
      auto tree = parser.parse(source.text);
      char* text = ts_node_string(tree.root());
      std::cout << text << '\n';
      std::free(text);
      return 0;
    } else if (arg.rfind("-", 0) == 0) {
      std::cerr << "usage: troupe_metrics_dump [ROOT] [--agents LIST] "
                   "[--out FILE]\n";
      return arg == "-h" || arg == "--help" ? 0 : 2;
    } else {
      root = arg;
    }
  }
  auto report = testing::dump_corpus(root, [&](const syntax_tree& tree, std::string_view utf8) {
    auto entry = testing::analyse(tree, utf8, agents);
    entry["parse_errors"] = tree.syntax_errors();
    return entry;
  });
  return testing::write_dump(report, out_path);
}
