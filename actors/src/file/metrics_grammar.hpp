// File: grammar ids the metric extractors (size, complexity, imports,
// docstrings, todos) need beyond python_grammar, and the node helpers they
// share (private to the actors component).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <tree_sitter/api.h>

namespace troupe::actors::detail {

/// Node type and field ids of the statements the metric walks distinguish.
struct metrics_grammar {
  TSSymbol if_statement;
  TSSymbol elif_clause;
  TSSymbol else_clause;
  TSSymbol for_statement;
  TSSymbol while_statement;
  TSSymbol try_statement;
  TSSymbol except_clause;
  TSSymbol except_group_clause;
  TSSymbol finally_clause;
  TSSymbol with_statement;
  TSSymbol match_statement;
  TSSymbol case_clause;
  TSSymbol import_statement;
  TSSymbol import_from_statement;
  TSSymbol future_import_statement;
  TSSymbol aliased_import;
  TSSymbol dotted_name;
  TSSymbol relative_import;
  TSSymbol import_prefix;
  TSSymbol wildcard_import;
  TSFieldId alias_field;
  TSFieldId module_name_field;
};

/// The ids, resolved on first use (thread-safe).
const metrics_grammar& metric_symbols() noexcept;

/// The children of `node` in order, read with `cursor` (no quadratic
/// ts_node_child calls on long statement lists).
void children_of(TSNode node, TSTreeCursor& cursor, std::vector<TSNode>& out);

/// The docstring node (`string` or `concatenated_string`, parentheses
/// stripped) that `ast.get_docstring` would read from the first statement of
/// `body` (a block or the module), or a null node.
TSNode docstring_node(TSNode body, std::string_view utf8,
                      TSTreeCursor& cursor) noexcept;

} // namespace troupe::actors::detail
