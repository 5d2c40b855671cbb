// File: docstrings of the module and of every class and def.
#include "troupe/actors/file/docstrings.hpp"

#include "file/metrics_grammar.hpp"
#include "source/python_grammar.hpp"
#include "troupe/actors/file/extract_symbols.hpp"

#include <unordered_map>

namespace troupe::actors {

namespace {

using detail::grammar;

void fill_span(TSNode body, std::string_view utf8, TSTreeCursor& cursor,
               docstring_entry& entry) {
  auto doc = detail::docstring_node(body, utf8, cursor);
  entry.present = !ts_node_is_null(doc);
  if (entry.present) {
    entry.first_line = ts_node_start_point(doc).row + 1;
    entry.last_line = ts_node_end_point(doc).row + 1;
  }
}

} // namespace

file_docstrings extract_docstrings(const syntax_tree& tree,
                                   std::string_view utf8) {
  file_docstrings out;
  if (!tree)
    return out;
  const auto& g = grammar();
  auto root = tree.root();
  auto cursor = ts_tree_cursor_new(root);
  fill_span(root, utf8, cursor, out.module);
  // The def and class nodes by line (one compound statement starts per line
  // in valid Python), to find each body the symbols walk reported.
  std::unordered_map<std::uint32_t, TSNode> definitions;
  std::vector<TSNode> stack{root};
  std::vector<TSNode> children;
  while (!stack.empty()) {
    auto node = stack.back();
    stack.pop_back();
    auto symbol = ts_node_symbol(node);
    bool definition = symbol == g.function_definition
                      || symbol == g.class_definition;
    if (definition)
      definitions.emplace(ts_node_start_point(node).row + 1, node);
    if (!definition && !g.is_container(symbol)
        && symbol != g.decorated_definition)
      continue;
    detail::children_of(node, cursor, children);
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  const auto& symbols = detail::symbols_of(tree, utf8);
  auto entry_of = [&](const auto& symbol) {
    docstring_entry entry;
    entry.qualname = symbol.qualname;
    entry.line = symbol.line;
    auto found = definitions.find(symbol.line);
    if (found != definitions.end())
      fill_span(ts_node_child_by_field_id(found->second, g.body_field), utf8,
                cursor, entry);
    else
      entry.present = symbol.has_docstring;
    return entry;
  };
  for (const auto& symbol : symbols.classes)
    out.classes.push_back(entry_of(symbol));
  for (const auto& symbol : symbols.functions)
    out.functions.push_back(entry_of(symbol));
  out.total = static_cast<std::uint32_t>(1 + out.classes.size()
                                         + out.functions.size());
  out.documented = out.module.present;
  for (const auto& entry : out.classes)
    out.documented += entry.present;
  for (const auto& entry : out.functions)
    out.documented += entry.present;
  ts_tree_cursor_delete(&cursor);
  return out;
}

} // namespace troupe::actors
