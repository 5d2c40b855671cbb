// File: what the metrics and checks harnesses share: decoding and parsing
// every *.py file under a root in path order, and writing the resulting
// {"files": ..., "undecoded": ...} report. Header-only, test code.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

namespace troupe::actors::testing {

/// {"files": {relpath: analyse(tree, utf8)}, "undecoded": {relpath: why}}
/// over every regular *.py file under `root` (symlinks not followed).
template <class Analyse>
nlohmann::json dump_corpus(const std::filesystem::path& root, Analyse&& analyse) {
  namespace fs = std::filesystem;
  std::vector<fs::path> paths;
  for (auto it = fs::recursive_directory_iterator(root,
                                                  fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it)
    if (!it->is_symlink() && it->is_regular_file() && it->path().extension() == ".py")
      paths.push_back(it->path());
  std::sort(paths.begin(), paths.end());
  auto files = nlohmann::json::object();
  auto undecoded = nlohmann::json::object();
  python_parser parser;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto relpath = path.lexically_relative(root).generic_string();
    auto source = decode_python_source(bytes, 64u << 20);
    if (source.status != source_status::ok) {
      undecoded[relpath] = source.detail;
      continue;
    }
    auto tree = parser.parse(source.text);
    files[relpath] = analyse(tree, source.text);
  }
  return {{"files", std::move(files)}, {"undecoded", std::move(undecoded)}};
}

/// Prints `report` to stdout, or writes it to `out_path`; the exit code.
inline int write_dump(const nlohmann::json& report, const std::string& out_path) {
  if (out_path.empty()) {
    std::cout << report.dump(1) << '\n';
    return 0;
  }
  std::ofstream out(out_path);
  out << report.dump(1) << '\n';
  return out ? 0 : 1;
}

} // namespace troupe::actors::testing
