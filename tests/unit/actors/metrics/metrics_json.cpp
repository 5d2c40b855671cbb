// File: the JSON form of the metric records (see metrics_json.hpp).
#include "metrics_json.hpp"

#include <algorithm>
#include <map>

namespace troupe::actors::testing {

nlohmann::json to_json(const size_metrics& size) {
  return {{"total", size.total},         {"code", size.code},
          {"comment", size.comment},     {"blank", size.blank},
          {"docstring", size.docstring}};
}

nlohmann::json mccabe_graphs(const file_complexity& complexity) {
  struct graph {
    const std::string* key;
    std::uint32_t line, column, complexity;
  };
  std::vector<graph> graphs;
  for (const auto& function : complexity.functions)
    if (!function.mccabe_key.empty())
      graphs.push_back({&function.mccabe_key, function.line, function.column,
                        function.complexity});
  for (const auto& block : complexity.blocks)
    graphs.push_back({&block.mccabe_key, block.line, block.column,
                      block.complexity});
  std::stable_sort(graphs.begin(), graphs.end(), [](const auto& a, const auto& b) {
    return a.line < b.line || (a.line == b.line && a.column < b.column);
  });
  auto out = nlohmann::json::array();
  std::map<std::string, std::size_t> slots;
  for (const auto& g : graphs) {
    nlohmann::json entry = {{"key", *g.key}, {"line", g.line},
                            {"column", g.column}, {"complexity", g.complexity}};
    auto [it, fresh] = slots.emplace(*g.key, out.size());
    if (fresh)
      out.push_back(std::move(entry));
    else
      out[it->second] = std::move(entry);
  }
  return out;
}

nlohmann::json function_complexities(const file_complexity& complexity) {
  auto out = nlohmann::json::array();
  for (const auto& f : complexity.functions)
    out.push_back({{"qualname", f.qualname}, {"line", f.line},
                   {"complexity", f.complexity}, {"mccabe_key", f.mccabe_key}});
  return out;
}

nlohmann::json to_json(const file_imports& imports) {
  auto out = nlohmann::json::array();
  for (const auto& r : imports.imports) {
    auto names = nlohmann::json::array();
    for (const auto& n : r.names)
      names.push_back({n.name, n.alias});
    out.push_back({{"module", r.module}, {"alias", r.alias},
                   {"names", std::move(names)}, {"line", r.line},
                   {"level", r.level}, {"from_import", r.from_import},
                   {"conditional", r.conditional},
                   {"in_function", r.in_function}});
  }
  return out;
}

nlohmann::json to_json(const file_docstrings& docstrings) {
  auto entries = [](const std::vector<docstring_entry>& list) {
    auto out = nlohmann::json::array();
    for (const auto& e : list)
      out.push_back({e.qualname, e.line, e.present});
    return out;
  };
  return {{"module", docstrings.module.present},
          {"classes", entries(docstrings.classes)},
          {"functions", entries(docstrings.functions)}};
}

nlohmann::json to_json(const file_todos& todos) {
  auto out = nlohmann::json::array();
  for (const auto& t : todos.todos)
    out.push_back({{"line", t.line}, {"tag", t.tag}, {"text", t.text}});
  return out;
}

nlohmann::json analyse(const syntax_tree& tree, std::string_view utf8,
                       const std::vector<std::string>& agents) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& agent : agents) {
    if (agent == "size")
      out[agent] = to_json(extract_size_metrics(tree, utf8));
    else if (agent == "complexity")
      out[agent] = mccabe_graphs(extract_complexity(tree, utf8));
    else if (agent == "imports")
      out[agent] = to_json(extract_imports(tree, utf8));
    else if (agent == "docstrings")
      out[agent] = to_json(extract_docstrings(tree, utf8));
    else if (agent == "todos")
      out[agent] = to_json(extract_todos(tree, utf8));
  }
  return out;
}

} // namespace troupe::actors::testing
