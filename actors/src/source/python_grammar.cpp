// File: grammar ids and node helpers for the extractors.
#include "source/python_grammar.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace troupe::actors::detail {

namespace {

TSSymbol named_symbol(const TSLanguage* language, const char* name) {
  return ts_language_symbol_for_name(language, name,
                                     static_cast<std::uint32_t>(
                                       std::strlen(name)),
                                     true);
}

TSFieldId field(const TSLanguage* language, const char* name) {
  return ts_language_field_id_for_name(language, name,
                                       static_cast<std::uint32_t>(
                                         std::strlen(name)));
}

python_grammar make_grammar() {
  const auto* lang = tree_sitter_python();
  python_grammar g{};
  g.module = named_symbol(lang, "module");
  g.block = named_symbol(lang, "block");
  g.function_definition = named_symbol(lang, "function_definition");
  g.class_definition = named_symbol(lang, "class_definition");
  g.decorated_definition = named_symbol(lang, "decorated_definition");
  g.decorator = named_symbol(lang, "decorator");
  g.global_statement = named_symbol(lang, "global_statement");
  g.expression_statement = named_symbol(lang, "expression_statement");
  g.identifier = named_symbol(lang, "identifier");
  g.typed_parameter = named_symbol(lang, "typed_parameter");
  g.default_parameter = named_symbol(lang, "default_parameter");
  g.typed_default_parameter = named_symbol(lang, "typed_default_parameter");
  g.list_splat_pattern = named_symbol(lang, "list_splat_pattern");
  g.dictionary_splat_pattern = named_symbol(lang, "dictionary_splat_pattern");
  g.keyword_argument = named_symbol(lang, "keyword_argument");
  g.dictionary_splat = named_symbol(lang, "dictionary_splat");
  g.parenthesized_expression = named_symbol(lang, "parenthesized_expression");
  g.string = named_symbol(lang, "string");
  g.string_start = named_symbol(lang, "string_start");
  g.concatenated_string = named_symbol(lang, "concatenated_string");
  g.comment = named_symbol(lang, "comment");
  const char* containers[] = {
    "module",        "block",          "if_statement",   "elif_clause",
    "else_clause",   "for_statement",  "while_statement", "try_statement",
    "except_clause", "except_group_clause", "finally_clause",
    "with_statement", "match_statement", "case_clause"};
  static_assert(std::size(containers) == std::size(python_grammar{}.containers));
  for (std::size_t i = 0; i < std::size(containers); ++i)
    g.containers[i] = named_symbol(lang, containers[i]);
  g.name_field = field(lang, "name");
  g.parameters_field = field(lang, "parameters");
  g.return_type_field = field(lang, "return_type");
  g.body_field = field(lang, "body");
  g.superclasses_field = field(lang, "superclasses");
  g.definition_field = field(lang, "definition");
  return g;
}

// Whether a child of a statement list is something ast does not see.
bool skipped_child(TSNode child, bool in_statement_list) noexcept {
  if (ts_node_is_extra(child))
    return true;
  if (ts_node_start_byte(child) == ts_node_end_byte(child))
    return true; // MISSING tokens and empty nodes of error recovery
  return in_statement_list && !ts_node_is_named(child);
}

// The first child of `node` that ast sees, or a null node.
TSNode first_significant_child(TSNode node, TSTreeCursor& cursor) noexcept {
  ts_tree_cursor_reset(&cursor, node);
  if (!ts_tree_cursor_goto_first_child(&cursor))
    return TSNode{};
  do {
    auto child = ts_tree_cursor_current_node(&cursor);
    if (!skipped_child(child, true))
      return child;
  } while (ts_tree_cursor_goto_next_sibling(&cursor));
  return TSNode{};
}

// The only named child of `node` that ast sees, or a null node.
TSNode sole_named_child(TSNode node, TSTreeCursor& cursor) noexcept {
  TSNode found{};
  ts_tree_cursor_reset(&cursor, node);
  if (!ts_tree_cursor_goto_first_child(&cursor))
    return found;
  do {
    auto child = ts_tree_cursor_current_node(&cursor);
    if (!ts_node_is_named(child) || skipped_child(child, false))
      continue;
    if (!ts_node_is_null(found))
      return TSNode{};
    found = child;
  } while (ts_tree_cursor_goto_next_sibling(&cursor));
  return found;
}

bool plain_string_literal(TSNode string, std::string_view utf8,
                          TSTreeCursor& cursor) noexcept {
  auto start = first_significant_child(string, cursor);
  if (ts_node_is_null(start) || ts_node_symbol(start) != grammar().string_start)
    return false;
  for (char c : node_text(start, utf8)) {
    if (c == 'f' || c == 'F' || c == 'b' || c == 'B')
      return false;
    if (c == '"' || c == '\'')
      break;
  }
  return true;
}

} // namespace

bool python_grammar::is_container(TSSymbol symbol) const noexcept {
  if (symbol == error_symbol)
    return true;
  return std::find(std::begin(containers), std::end(containers), symbol)
         != std::end(containers);
}

const python_grammar& grammar() noexcept {
  static const python_grammar instance = make_grammar();
  return instance;
}

TSNode strip_parentheses(TSNode node, TSTreeCursor& cursor) noexcept {
  while (ts_node_symbol(node) == grammar().parenthesized_expression) {
    auto inner = first_significant_child(node, cursor);
    if (ts_node_is_null(inner))
      break;
    node = inner;
  }
  return node;
}

std::uint32_t last_token_row(TSNode node, TSTreeCursor& cursor) noexcept {
  const auto& g = grammar();
  for (;;) {
    auto symbol = ts_node_symbol(node);
    bool statement_list = symbol == g.block || symbol == g.module;
    TSNode last{};
    ts_tree_cursor_reset(&cursor, node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      do {
        auto child = ts_tree_cursor_current_node(&cursor);
        if (!skipped_child(child, statement_list))
          last = child;
      } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    if (ts_node_is_null(last)) {
      auto start = ts_node_start_point(node);
      auto end = ts_node_end_point(node);
      // A token that swallowed its line break ends at column 0 below it.
      if (end.column == 0 && end.row > start.row)
        return end.row - 1;
      return end.row;
    }
    node = last;
  }
}

bool starts_with_docstring(TSNode body, std::string_view utf8,
                           TSTreeCursor& cursor) noexcept {
  const auto& g = grammar();
  auto statement = first_significant_child(body, cursor);
  if (ts_node_is_null(statement)
      || ts_node_symbol(statement) != g.expression_statement)
    return false;
  auto value = sole_named_child(statement, cursor);
  if (ts_node_is_null(value))
    return false;
  value = strip_parentheses(value, cursor);
  auto symbol = ts_node_symbol(value);
  if (symbol == g.string)
    return plain_string_literal(value, utf8, cursor);
  if (symbol != g.concatenated_string)
    return false;
  auto parts = ts_node_named_child_count(value);
  for (std::uint32_t i = 0; i < parts; ++i) {
    auto part = ts_node_named_child(value, i);
    if (ts_node_symbol(part) == g.string
        && !plain_string_literal(part, utf8, cursor))
      return false;
  }
  return true;
}

} // namespace troupe::actors::detail
