// File: what the rule checkers (`security`, `naming`) share (private to the
// actors component): their one walk of a file's tree (checks.cpp), grammar
// ids, text markers that keep the walk out of expressions that cannot
// matter, Python literal kinds and values as ast sees them, and Python's str
// case predicates.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tree_sitter/api.h>

#include "troupe/actors/file/naming.hpp"
#include "troupe/actors/file/security.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors::detail {

/// One rule checker's part in the shared walk: `enter` says whether it wants
/// the node's children, `leave` follows every node it entered.
class check_pass {
public:
  virtual ~check_pass() = default;
  /// Before the walk (text scans).
  virtual void begin(TSNode root) = 0;
  virtual bool enter(TSNode node, std::uint32_t depth) = 0;
  virtual void leave(TSNode node) = 0;
  /// After the walk (ordering, noqa).
  virtual void finish(TSNode root) = 0;
};

std::unique_ptr<check_pass> make_security_pass(std::string_view utf8, TSNode root,
                                               file_security& out);
std::unique_ptr<check_pass> make_naming_pass(std::string_view utf8, TSNode root,
                                             file_naming& out);

/// Both rule checkers' records of one file from one walk of its tree,
/// computed once per file and thread (the security and naming agents run
/// one after the other on the same worker); valid until the next call on
/// this thread.
struct file_checks {
  file_security security;
  file_naming naming;
};
const file_checks& checks_of(const syntax_tree& tree, std::string_view utf8);

/// Node type and field ids the rule checkers distinguish.
struct checks_grammar {
  TSSymbol call, attribute, argument_list, keyword_argument, list_splat,
    dictionary_splat, generator_expression, identifier, string, concatenated_string,
    integer, float_, true_, false_, none, list, dictionary, tuple, set,
    parenthesized_expression, assignment, augmented_assignment, named_expression,
    import_statement, import_from_statement, future_import_statement, aliased_import,
    dotted_name, relative_import, wildcard_import, comparison_operator,
    function_definition, class_definition, decorated_definition, decorator, parameters,
    lambda_parameters, default_parameter, typed_default_parameter, typed_parameter,
    list_splat_pattern, dictionary_splat_pattern, positional_separator,
    keyword_separator, block, module, expression_statement, global_statement,
    with_statement, with_clause, with_item, as_pattern, as_pattern_target,
    for_statement, for_in_clause, list_comprehension, set_comprehension,
    dictionary_comprehension, except_clause, except_group_clause, try_statement,
    if_statement, elif_clause, else_clause, while_statement, finally_clause,
    pattern_list, tuple_pattern, list_pattern, expression_list, comment,
    line_continuation, interpolation, pair, if_clause, case_clause, type,
    parenthesized_list_splat, format_specifier, match_statement;
  TSFieldId function_field, arguments_field, object_field, attribute_field, name_field,
    value_field, left_field, right_field, type_field, alias_field, body_field,
    parameters_field, superclasses_field, definition_field, module_name_field;
};

/// The ids, resolved on first use (thread-safe).
const checks_grammar& check_symbols() noexcept;

/// The node's symbol, 0 for a null node (a missing field; error recovery
/// leaves many), which ts_node_symbol would dereference.
inline TSSymbol symbol_of(TSNode node) noexcept {
  return ts_node_is_null(node) ? TSSymbol{0} : ts_node_symbol(node);
}

/// Pre-order walk of `root`'s subtree: `enter(node, depth)` for every node,
/// returning whether to visit its children; `leave(node, depth)` once the
/// node's subtree is done (also for nodes not descended into). Iterative.
template <class Enter, class Leave>
void walk_tree(TSNode root, Enter&& enter, Leave&& leave) {
  auto cursor = ts_tree_cursor_new(root);
  std::uint32_t depth = 0;
  for (;;) {
    auto node = ts_tree_cursor_current_node(&cursor);
    if (enter(node, depth) && ts_tree_cursor_goto_first_child(&cursor)) {
      ++depth;
      continue;
    }
    leave(node, depth);
    for (;;) {
      if (depth == 0) {
        ts_tree_cursor_delete(&cursor);
        return;
      }
      if (ts_tree_cursor_goto_next_sibling(&cursor))
        break;
      ts_tree_cursor_goto_parent(&cursor);
      --depth;
      leave(ts_tree_cursor_current_node(&cursor), depth);
    }
  }
}

/// The node ast sees behind parentheses: `(x)` is `x`, and a tuple pattern
/// of one element without a comma (`(x) = 1`) is that element.
TSNode unwrap(TSNode node) noexcept;

/// The named children of `node` that are not extras (comments, line
/// continuations), in order, read with `cursor`.
void named_children(TSNode node, TSTreeCursor& cursor, std::vector<TSNode>& out);

/// What ast makes of a string literal (implicit concatenation included).
enum class literal_kind { str, bytes, fstring };
[[nodiscard]] literal_kind string_kind(TSNode node, std::string_view utf8) noexcept;

/// Whether `node` (unwrapped) is ast's `Str`: a string literal, implicitly
/// concatenated or not, that is neither bytes nor an f-string.
[[nodiscard]] bool is_str_literal(TSNode node, std::string_view utf8) noexcept;

/// The value of a `str` literal, escapes decoded; `known` is false for
/// escapes it cannot resolve (`\N{...}`), then `value` holds a placeholder
/// that equals no identifier.
struct str_value {
  std::string value;
  bool known = true;
};
[[nodiscard]] str_value decode_str_literal(TSNode node, std::string_view utf8);

/// The text of an identifier-like node, a dotted name joined with dots.
[[nodiscard]] std::string dotted_text(TSNode node, std::string_view utf8);

/// Python's str case predicates on an identifier (UTF-8): non-ASCII letters
/// use the C.UTF-8 locale's tables (simple case mappings).
[[nodiscard]] bool py_lower_changes(std::string_view s) noexcept; // s.lower() != s
[[nodiscard]] bool py_isupper(std::string_view s) noexcept;
[[nodiscard]] bool py_islower(std::string_view s) noexcept;
/// s[:1].isupper() / s[:1].islower(): the first code point alone.
[[nodiscard]] bool py_first_isupper(std::string_view s) noexcept;
[[nodiscard]] bool py_first_islower(std::string_view s) noexcept;
/// ''.join(filter(str.isupper, s)).
[[nodiscard]] std::string py_upper_chars(std::string_view s);

/// Rows (0-based) holding a marker, as sorted unique values.
using row_set = std::vector<std::uint32_t>;
[[nodiscard]] inline bool contains_row(const row_set& rows, std::uint32_t row) noexcept {
  std::size_t lo = 0, hi = rows.size();
  while (lo < hi) {
    auto mid = (lo + hi) / 2;
    if (rows[mid] < row)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < rows.size() && rows[lo] == row;
}

/// Whether nodes of `symbol` hold statements (module, blocks, compound
/// statements and their clauses, definitions, expression statements, ERROR):
/// the walks always enter them, and enter expressions only where a text
/// marker says something inside can matter.
[[nodiscard]] bool holds_statements(TSSymbol symbol) noexcept;

/// Byte offsets (ascending) of the identifier-like runs of `utf8` (ASCII
/// letters, digits, `_` and non-ASCII bytes) for which `keep(run)` holds.
/// Runs inside strings and comments count too: markers over-approximate.
/// Whether `c` can be part of an identifier-like run: ASCII letters,
/// digits, `_` and every non-ASCII byte.
[[nodiscard]] inline bool word_byte(unsigned char c) noexcept {
  static constexpr auto table = [] {
    struct t {
      bool v[256] = {};
    } out{};
    for (int c = 0; c < 256; ++c)
      out.v[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                 || c == '_' || c >= 0x80;
    return out;
  }();
  return table.v[c];
}

template <class Keep>
void scan_identifiers(std::string_view utf8, std::vector<std::uint32_t>& out, Keep&& keep) {
  const auto* data = reinterpret_cast<const unsigned char*>(utf8.data());
  std::size_t i = 0, n = utf8.size();
  while (i < n) {
    if (!word_byte(data[i])) {
      ++i;
      continue;
    }
    auto start = i;
    while (i < n && word_byte(data[i]))
      ++i;
    if (keep(utf8.substr(start, i - start)))
      out.push_back(static_cast<std::uint32_t>(start));
  }
}

/// Offsets (ascending, appended to `out`) where `word` stands as a whole
/// identifier-like run.
inline void find_words(std::string_view utf8, std::string_view word,
                       std::vector<std::uint32_t>& out) {
  for (auto at = utf8.find(word); at != std::string_view::npos; at = utf8.find(word, at + 1)) {
    auto end = at + word.size();
    if ((at == 0 || !word_byte(static_cast<unsigned char>(utf8[at - 1])))
        && (end == utf8.size() || !word_byte(static_cast<unsigned char>(utf8[end]))))
      out.push_back(static_cast<std::uint32_t>(at));
  }
}

/// Whether a marker lies in [start, end).
[[nodiscard]] inline bool marker_in(const std::vector<std::uint32_t>& markers,
                                    std::uint32_t start, std::uint32_t end) noexcept {
  std::size_t lo = 0, hi = markers.size();
  while (lo < hi) {
    auto mid = (lo + hi) / 2;
    if (markers[mid] < start)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < markers.size() && markers[lo] < end;
}

/// Case-insensitive (ASCII) search of `needle` (lowercase) in `text`.
[[nodiscard]] std::size_t find_nocase(std::string_view text, std::string_view needle,
                                      std::size_t from = 0) noexcept;

} // namespace troupe::actors::detail
