#include "checks_json.hpp"

#include "../corpus_dump.hpp"

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
  return dump_corpus(root, analyse_checks);
}

} // namespace troupe::actors::testing
