// File: symbol and field ids of the tree-sitter Python grammar, looked up once,
// and the node helpers the extractors share (private to the actors component).
#pragma once

#include <cstdint>
#include <string_view>

#include <tree_sitter/api.h>

#include "troupe/actors/file/symbol_records.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors::detail {

/// Ids of the grammar's node types and fields that the extractors compare
/// against, so that no walk compares type names as strings.
struct python_grammar {
  TSSymbol module;
  TSSymbol block;
  TSSymbol function_definition;
  TSSymbol class_definition;
  TSSymbol decorated_definition;
  TSSymbol decorator;
  TSSymbol global_statement;
  TSSymbol expression_statement;
  TSSymbol identifier;
  TSSymbol typed_parameter;
  TSSymbol default_parameter;
  TSSymbol typed_default_parameter;
  TSSymbol list_splat_pattern;
  TSSymbol dictionary_splat_pattern;
  TSSymbol keyword_argument;
  TSSymbol dictionary_splat;
  TSSymbol parenthesized_expression;
  TSSymbol string;
  TSSymbol string_start;
  TSSymbol concatenated_string;
  TSSymbol comment;
  /// Statements whose children may hold more statements (if, try, ERROR...).
  TSSymbol containers[14];
  TSFieldId name_field;
  TSFieldId parameters_field;
  TSFieldId return_type_field;
  TSFieldId body_field;
  TSFieldId superclasses_field;
  TSFieldId definition_field;

  /// Whether nodes of `symbol` can contain statements (bodies, clauses).
  [[nodiscard]] bool is_container(TSSymbol symbol) const noexcept;
};

/// The grammar's ids, resolved on first use (thread-safe).
const python_grammar& grammar() noexcept;

/// The id tree-sitter gives ERROR nodes.
constexpr TSSymbol error_symbol = static_cast<TSSymbol>(-1);

/// extract_symbols' result for `tree`, computed once per file and thread
/// (the symbols, complexity, docstrings and size agents all read it); valid
/// until the next call on this thread.
const file_symbols& symbols_of(const syntax_tree& tree, std::string_view utf8);

/// The source text of `node`.
inline std::string_view node_text(TSNode node, std::string_view utf8) noexcept {
  if (ts_node_is_null(node))
    return {};
  auto start = ts_node_start_byte(node);
  auto end = ts_node_end_byte(node);
  if (start > end || end > utf8.size())
    return {};
  return utf8.substr(start, end - start);
}

/// The expression inside any number of parentheses, as ast positions it.
TSNode strip_parentheses(TSNode node, TSTreeCursor& cursor) noexcept;

/// The 0-based row of the last token of `node` that Python's ast counts:
/// comments, line continuations and block-level `;` are skipped.
std::uint32_t last_token_row(TSNode node, TSTreeCursor& cursor) noexcept;

/// Whether the first statement of `body` is a docstring for
/// `ast.get_docstring`: a str constant, implicit concatenation included,
/// f-strings and bytes excluded.
bool starts_with_docstring(TSNode body, std::string_view utf8,
                           TSTreeCursor& cursor) noexcept;

} // namespace troupe::actors::detail
