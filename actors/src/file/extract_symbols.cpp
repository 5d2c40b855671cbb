// File: the walk that finds functions and classes, with Python's qualified
// names; it visits statements and their clauses, never expressions.
#include "troupe/actors/file/extract_symbols.hpp"

#include "source/python_grammar.hpp"

#include <algorithm>

#include <xxhash.h>
#include <string>
#include <vector>

namespace troupe::actors {

namespace {

using detail::grammar;
using detail::node_text;

enum class scope_kind : std::uint8_t { module, function, klass };

// A scope on the path from the module to the current statement.
struct scope {
  std::uint32_t depth; // cursor depth of the def/class node that opened it
  scope_kind kind;
  std::string qualname;
  std::vector<std::string_view> globals; // names declared `global` so far
};

// Python's compiler_set_qualname: a name declared global in the enclosing
// scope is not qualified; below a function the prefix gains `.<locals>`.
std::string qualify(const scope& parent, std::string_view name) {
  bool global = std::find(parent.globals.begin(), parent.globals.end(), name)
                != parent.globals.end();
  std::string out;
  if (parent.kind != scope_kind::module && !global) {
    out.reserve(parent.qualname.size() + name.size() + 10);
    out += parent.qualname;
    out += parent.kind == scope_kind::function ? ".<locals>." : ".";
  }
  out += name;
  return out;
}

class symbol_walker {
public:
  symbol_walker(std::string_view utf8, TSNode root)
    : utf8_(utf8), helper_(ts_tree_cursor_new(root)) {
    // nop
  }

  symbol_walker(const symbol_walker&) = delete;
  symbol_walker& operator=(const symbol_walker&) = delete;

  ~symbol_walker() {
    ts_tree_cursor_delete(&helper_);
  }

  void run(TSNode root, file_symbols& out);

private:
  void on_function(TSNode node, std::uint32_t depth, file_symbols& out);
  void on_class(TSNode node, std::uint32_t depth, file_symbols& out);
  void on_global(TSNode node);
  template <class Record>
  void fill_common(TSNode node, TSNode body, Record& record);
  void collect_params(TSNode params, function_record& record);
  std::vector<std::string> decorators_of(TSNode definition);

  std::string_view utf8_;
  TSTreeCursor helper_; // scratch cursor for the helpers of python_grammar
  std::vector<scope> scopes_;
  TSNode decorated_{};   // the `definition` of the latest decorated_definition
  TSNode decorations_{}; // ... and that decorated_definition
};

void symbol_walker::run(TSNode root, file_symbols& out) {
  const auto& g = grammar();
  scopes_.push_back(scope{0, scope_kind::module, {}, {}});
  auto cursor = ts_tree_cursor_new(root);
  std::uint32_t depth = 0;
  for (;;) {
    auto node = ts_tree_cursor_current_node(&cursor);
    auto symbol = ts_node_symbol(node);
    bool descend = false;
    if (symbol == g.function_definition) {
      on_function(node, depth, out);
      descend = true;
    } else if (symbol == g.class_definition) {
      on_class(node, depth, out);
      descend = true;
    } else if (symbol == g.decorated_definition) {
      decorations_ = node;
      decorated_ = ts_node_child_by_field_id(node, g.definition_field);
      descend = true;
    } else if (symbol == g.global_statement) {
      on_global(node);
    } else {
      descend = depth == 0 || g.is_container(symbol);
    }
    if (descend && ts_tree_cursor_goto_first_child(&cursor)) {
      ++depth;
      continue;
    }
    for (;;) {
      // Leaving the node at `depth` closes the scope it opened, if any.
      while (scopes_.size() > 1 && scopes_.back().depth >= depth)
        scopes_.pop_back();
      if (ts_tree_cursor_goto_next_sibling(&cursor))
        break;
      if (depth == 0 || !ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        return;
      }
      --depth;
    }
  }
}

void symbol_walker::on_global(TSNode node) {
  auto count = ts_node_named_child_count(node);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto child = ts_node_named_child(node, i);
    if (ts_node_symbol(child) == grammar().identifier)
      scopes_.back().globals.push_back(node_text(child, utf8_));
  }
}

template <class Record>
void symbol_walker::fill_common(TSNode node, TSNode body, Record& record) {
  const auto& g = grammar();
  auto name = node_text(ts_node_child_by_field_id(node, g.name_field), utf8_);
  record.name.assign(name.data(), name.size());
  record.qualname = qualify(scopes_.back(), name);
  record.line = ts_node_start_point(node).row + 1;
  if (ts_node_is_null(body)) {
    record.end_line = ts_node_end_point(node).row + 1;
  } else {
    record.end_line = detail::last_token_row(body, helper_) + 1;
    record.has_docstring = detail::starts_with_docstring(body, utf8_, helper_);
  }
  record.decorators = decorators_of(node);
}

void symbol_walker::on_function(TSNode node, std::uint32_t depth,
                                file_symbols& out) {
  const auto& g = grammar();
  auto body = ts_node_child_by_field_id(node, g.body_field);
  auto& record = out.functions.emplace_back();
  fill_common(node, body, record);
  record.is_async = node_text(node, utf8_).substr(0, 5) == "async";
  record.is_method = scopes_.back().kind == scope_kind::klass;
  record.returns_annotated = !ts_node_is_null(
    ts_node_child_by_field_id(node, g.return_type_field));
  collect_params(ts_node_child_by_field_id(node, g.parameters_field), record);
  scopes_.push_back(scope{depth, scope_kind::function, record.qualname, {}});
}

void symbol_walker::on_class(TSNode node, std::uint32_t depth,
                             file_symbols& out) {
  const auto& g = grammar();
  auto body = ts_node_child_by_field_id(node, g.body_field);
  auto& record = out.classes.emplace_back();
  fill_common(node, body, record);
  auto bases = ts_node_child_by_field_id(node, g.superclasses_field);
  auto count = ts_node_is_null(bases) ? 0 : ts_node_named_child_count(bases);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto base = ts_node_named_child(bases, i);
    auto symbol = ts_node_symbol(base);
    // Keywords (`metaclass=M`, `**kw`) are not bases in ast.
    if (symbol == g.keyword_argument || symbol == g.dictionary_splat
        || symbol == g.comment || ts_node_is_extra(base))
      continue;
    auto text = node_text(detail::strip_parentheses(base, helper_), utf8_);
    record.bases.emplace_back(text);
  }
  scopes_.push_back(scope{depth, scope_kind::klass, record.qualname, {}});
}

std::vector<std::string> symbol_walker::decorators_of(TSNode definition) {
  std::vector<std::string> out;
  if (ts_node_is_null(decorated_) || !ts_node_eq(decorated_, definition))
    return out;
  const auto& g = grammar();
  auto count = ts_node_named_child_count(decorations_);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto decorator = ts_node_named_child(decorations_, i);
    if (ts_node_symbol(decorator) != g.decorator)
      continue;
    auto expr = ts_node_named_child(decorator, 0);
    if (ts_node_is_null(expr) || ts_node_is_extra(expr))
      continue;
    out.emplace_back(node_text(detail::strip_parentheses(expr, helper_), utf8_));
  }
  return out;
}

void symbol_walker::collect_params(TSNode params, function_record& record) {
  if (ts_node_is_null(params))
    return;
  const auto& g = grammar();
  auto count = ts_node_named_child_count(params);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto param = ts_node_named_child(params, i);
    auto symbol = ts_node_symbol(param);
    TSNode name{};
    bool annotated = symbol == g.typed_default_parameter || symbol == g.typed_parameter;
    if (symbol == g.identifier) {
      name = param;
    } else if (symbol == g.default_parameter
               || symbol == g.typed_default_parameter) {
      name = ts_node_child_by_field_id(param, g.name_field);
      record.annotated_params += symbol == g.typed_default_parameter;
    } else if (symbol == g.typed_parameter) {
      name = ts_node_named_child(param, 0);
      ++record.annotated_params;
    } else if (symbol == g.list_splat_pattern
               || symbol == g.dictionary_splat_pattern) {
      name = param;
    } else {
      continue; // `/`, `*`, comments, and Python 2 tuple parameters
    }
    if (ts_node_is_null(name))
      continue;
    auto name_symbol = ts_node_symbol(name);
    if (name_symbol == g.list_splat_pattern
        || name_symbol == g.dictionary_splat_pattern)
      name = ts_node_named_child(name, 0);
    if (ts_node_is_null(name) || ts_node_symbol(name) != g.identifier)
      continue;
    if (record.params.empty())
      record.first_param_annotated = annotated;
    record.params.emplace_back(node_text(name, utf8_));
  }
}

} // namespace

namespace {

/// The last result of each thread: the symbols, complexity, docstrings and
/// size agents all need the statement walk of the same tree, one after the
/// other on the same worker, so it runs once per file. The key is the tree,
/// the text's address and length and a hash of the text, so a tree or
/// buffer reused at the same address for another file never matches.
struct symbols_memo {
  const TSTree* tree = nullptr;
  const char* text = nullptr;
  std::size_t size = 0;
  std::uint64_t hash = 0;
  file_symbols value;
};

file_symbols walk_symbols(const syntax_tree& tree, std::string_view utf8);

} // namespace

const file_symbols& detail::symbols_of(const syntax_tree& tree, std::string_view utf8) {
  thread_local symbols_memo memo;
  auto hash = XXH3_64bits(utf8.data(), utf8.size());
  if (memo.tree != tree.get() || memo.text != utf8.data() || memo.size != utf8.size()
      || memo.hash != hash || !tree) {
    memo.value = walk_symbols(tree, utf8);
    memo.tree = tree.get();
    memo.text = utf8.data();
    memo.size = utf8.size();
    memo.hash = hash;
  }
  return memo.value;
}

file_symbols extract_symbols(const syntax_tree& tree, std::string_view utf8) {
  return detail::symbols_of(tree, utf8);
}

namespace {

file_symbols walk_symbols(const syntax_tree& tree, std::string_view utf8) {
  file_symbols out;
  out.parse_errors = tree.syntax_errors();
  if (!tree)
    return out;
  auto root = tree.root();
  symbol_walker walker{utf8, root};
  walker.run(root, out);
  // The walk is in source order; error recovery can nest oddly, so make sure.
  auto by_line = [](const auto& a, const auto& b) {
    return a.line < b.line;
  };
  if (!std::is_sorted(out.functions.begin(), out.functions.end(), by_line))
    std::stable_sort(out.functions.begin(), out.functions.end(), by_line);
  if (!std::is_sorted(out.classes.begin(), out.classes.end(), by_line))
    std::stable_sort(out.classes.begin(), out.classes.end(), by_line);
  return out;
}

} // namespace

} // namespace troupe::actors
