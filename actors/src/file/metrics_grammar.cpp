// File: grammar ids and helpers for the metric extractors.
#include "file/metrics_grammar.hpp"

#include "source/python_grammar.hpp"

#include <cstring>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace troupe::actors::detail {

namespace {

TSSymbol named(const TSLanguage* language, const char* name) {
  auto length = static_cast<std::uint32_t>(std::strlen(name));
  return ts_language_symbol_for_name(language, name, length, true);
}

metrics_grammar make_metrics_grammar() {
  const auto* lang = tree_sitter_python();
  metrics_grammar g{};
  g.if_statement = named(lang, "if_statement");
  g.elif_clause = named(lang, "elif_clause");
  g.else_clause = named(lang, "else_clause");
  g.for_statement = named(lang, "for_statement");
  g.while_statement = named(lang, "while_statement");
  g.try_statement = named(lang, "try_statement");
  g.except_clause = named(lang, "except_clause");
  g.except_group_clause = named(lang, "except_group_clause");
  g.finally_clause = named(lang, "finally_clause");
  g.with_statement = named(lang, "with_statement");
  g.match_statement = named(lang, "match_statement");
  g.case_clause = named(lang, "case_clause");
  g.import_statement = named(lang, "import_statement");
  g.import_from_statement = named(lang, "import_from_statement");
  g.future_import_statement = named(lang, "future_import_statement");
  g.aliased_import = named(lang, "aliased_import");
  g.dotted_name = named(lang, "dotted_name");
  g.relative_import = named(lang, "relative_import");
  g.import_prefix = named(lang, "import_prefix");
  g.wildcard_import = named(lang, "wildcard_import");
  g.alias_field = ts_language_field_id_for_name(lang, "alias", 5);
  g.module_name_field = ts_language_field_id_for_name(lang, "module_name", 11);
  return g;
}

// The first child of `node` that ast sees (not extra, not empty, named).
TSNode first_statement(TSNode node, TSTreeCursor& cursor) noexcept {
  ts_tree_cursor_reset(&cursor, node);
  if (!ts_tree_cursor_goto_first_child(&cursor))
    return TSNode{};
  do {
    auto child = ts_tree_cursor_current_node(&cursor);
    if (!ts_node_is_extra(child) && ts_node_is_named(child)
        && ts_node_start_byte(child) != ts_node_end_byte(child))
      return child;
  } while (ts_tree_cursor_goto_next_sibling(&cursor));
  return TSNode{};
}

} // namespace

const metrics_grammar& metric_symbols() noexcept {
  static const metrics_grammar instance = make_metrics_grammar();
  return instance;
}

void children_of(TSNode node, TSTreeCursor& cursor, std::vector<TSNode>& out) {
  out.clear();
  ts_tree_cursor_reset(&cursor, node);
  if (!ts_tree_cursor_goto_first_child(&cursor))
    return;
  do {
    out.push_back(ts_tree_cursor_current_node(&cursor));
  } while (ts_tree_cursor_goto_next_sibling(&cursor));
}

TSNode docstring_node(TSNode body, std::string_view utf8,
                      TSTreeCursor& cursor) noexcept {
  if (ts_node_is_null(body) || !starts_with_docstring(body, utf8, cursor))
    return TSNode{};
  auto statement = first_statement(body, cursor);
  auto value = first_statement(statement, cursor);
  return strip_parentheses(value, cursor);
}

} // namespace troupe::actors::detail
