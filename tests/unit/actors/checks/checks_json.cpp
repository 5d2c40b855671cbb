#include "checks_json.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

#include "troupe/actors/python_parser.hpp"
#include "troupe/actors/python_source.hpp"

namespace fs = std::filesystem;

namespace troupe::actors::testing {

nlohmann::json to_json(const file_security& security) {
  auto out = nlohmann::json::array();
  for (const auto& f : security.findings)
    out.push_back({{"rule", f.rule}, {"line", f.line}, {"name", f.name},
                   {"severity", f.severity}, {"confidence", f.confidence}});
  return out;
}

nlohmann::json to_json(const file_naming& naming) {
  auto out = nlohmann::json::array();
  for (const auto& v : naming.violations)
    out.push_back({{"rule", v.rule}, {"line", v.line}, {"name", v.name}});
  return out;
}

nlohmann::json analyse_checks(const syntax_tree& tree, std::string_view utf8) {
  return {{"security", to_json(extract_security(tree, utf8))},
          {"naming", to_json(extract_naming(tree, utf8))},
          {"parse_errors", tree.syntax_errors()}};
}

nlohmann::json dump_checks(const fs::path& root) {
  std::vector<fs::path> paths;
  for (auto it = fs::recursive_directory_iterator(
         root, fs::directory_options::skip_permission_denied);
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
    files[relpath] = analyse_checks(tree, source.text);
  }
  return {{"files", std::move(files)}, {"undecoded", std::move(undecoded)}};
}

} // namespace troupe::actors::testing
