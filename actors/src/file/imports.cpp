// File: the walk that finds import statements at any statement depth.
#include "troupe/actors/file/imports.hpp"

#include "file/metrics_grammar.hpp"
#include "source/python_grammar.hpp"
#include "troupe/actors/source/noqa.hpp"

namespace troupe::actors {

namespace {

using detail::grammar;
using detail::metric_symbols;
using detail::node_text;

struct item {
  TSNode node;
  bool nested;      // below the module's own statement list
  bool in_function; // below a def
};

// A dotted name as ast spells it: identifiers joined by dots, whatever
// whitespace, continuations or comments stood between them.
std::string dotted(TSNode node, std::string_view utf8, TSTreeCursor& cursor) {
  if (ts_node_symbol(node) != metric_symbols().dotted_name)
    return std::string{node_text(node, utf8)};
  std::string out;
  ts_tree_cursor_reset(&cursor, node);
  if (!ts_tree_cursor_goto_first_child(&cursor))
    return out;
  do {
    auto child = ts_tree_cursor_current_node(&cursor);
    if (ts_node_symbol(child) != grammar().identifier)
      continue;
    if (!out.empty())
      out += '.';
    out += node_text(child, utf8);
  } while (ts_tree_cursor_goto_next_sibling(&cursor));
  return out;
}

class import_walker {
public:
  import_walker(std::string_view utf8, TSNode root)
    : utf8_(utf8), cursor_(ts_tree_cursor_new(root)),
      helper_(ts_tree_cursor_new(root)) {
    // nop
  }

  import_walker(const import_walker&) = delete;
  import_walker& operator=(const import_walker&) = delete;

  ~import_walker() {
    ts_tree_cursor_delete(&helper_);
    ts_tree_cursor_delete(&cursor_);
  }

  void run(TSNode root, file_imports& out);

private:
  void on_import(TSNode node, const item& where, file_imports& out);
  void on_from(TSNode node, const item& where, file_imports& out);

  std::string_view utf8_;
  TSTreeCursor cursor_;
  TSTreeCursor helper_;
  std::vector<item> stack_;
  std::vector<TSNode> scratch_;
};

void import_walker::run(TSNode root, file_imports& out) {
  const auto& g = grammar();
  const auto& m = metric_symbols();
  stack_.push_back({root, false, false});
  while (!stack_.empty()) {
    auto where = stack_.back();
    stack_.pop_back();
    auto symbol = ts_node_symbol(where.node);
    if (symbol == m.import_statement) {
      on_import(where.node, where, out);
      continue;
    }
    if (symbol == m.import_from_statement
        || symbol == m.future_import_statement) {
      on_from(where.node, where, out);
      continue;
    }
    bool def = symbol == g.function_definition;
    if (!def && symbol != g.class_definition && !g.is_container(symbol)
        && symbol != g.decorated_definition)
      continue;
    detail::children_of(where.node, cursor_, scratch_);
    bool nested = symbol != g.module;
    for (auto it = scratch_.rbegin(); it != scratch_.rend(); ++it)
      stack_.push_back({*it, where.nested || nested, where.in_function || def});
  }
}

void import_walker::on_import(TSNode node, const item& where,
                              file_imports& out) {
  const auto& m = metric_symbols();
  detail::children_of(node, cursor_, scratch_);
  for (auto child : scratch_) {
    auto symbol = ts_node_symbol(child);
    if (symbol != m.dotted_name && symbol != m.aliased_import)
      continue;
    auto& record = out.imports.emplace_back();
    record.line = ts_node_start_point(node).row + 1;
    record.conditional = where.nested;
    record.in_function = where.in_function;
    if (symbol == m.aliased_import) {
      auto name = ts_node_child_by_field_id(child, grammar().name_field);
      record.module = dotted(name, utf8_, helper_);
      record.alias = node_text(ts_node_child_by_field_id(child, m.alias_field),
                               utf8_);
    } else {
      record.module = dotted(child, utf8_, helper_);
    }
  }
}

void import_walker::on_from(TSNode node, const item& where, file_imports& out) {
  const auto& m = metric_symbols();
  auto& record = out.imports.emplace_back();
  record.line = ts_node_start_point(node).row + 1;
  record.from_import = true;
  record.conditional = where.nested;
  record.in_function = where.in_function;
  auto module = ts_node_child_by_field_id(node, m.module_name_field);
  if (ts_node_symbol(node) == m.future_import_statement) {
    record.module = "__future__";
  } else if (ts_node_symbol(module) == m.relative_import) {
    detail::children_of(module, helper_, scratch_);
    for (auto part : scratch_) {
      if (ts_node_symbol(part) == m.import_prefix) {
        for (char c : node_text(part, utf8_))
          record.level += c == '.';
      } else if (ts_node_symbol(part) == m.dotted_name) {
        record.module = dotted(part, utf8_, helper_);
      }
    }
  } else {
    record.module = dotted(module, utf8_, helper_);
  }
  detail::children_of(node, cursor_, scratch_);
  for (auto child : scratch_) {
    if (ts_node_eq(child, module))
      continue;
    auto symbol = ts_node_symbol(child);
    if (symbol == m.wildcard_import) {
      record.names.push_back({"*", {}});
    } else if (symbol == m.aliased_import) {
      auto name = ts_node_child_by_field_id(child, grammar().name_field);
      auto alias = ts_node_child_by_field_id(child, m.alias_field);
      record.names.push_back({dotted(name, utf8_, helper_),
                              std::string{node_text(alias, utf8_)}});
    } else if (symbol == m.dotted_name) {
      record.names.push_back({dotted(child, utf8_, helper_), {}});
    }
  }
}

} // namespace

file_imports extract_imports(const syntax_tree& tree, std::string_view utf8) {
  file_imports out;
  if (!tree)
    return out;
  auto root = tree.root();
  import_walker walker{utf8, root};
  walker.run(root, out);
  auto marks = find_noqa(utf8);
  if (marks.file) {
    for (auto& r : out.imports)
      r.noqa = "# noqa";
  } else if (marks.inline_comment && !out.imports.empty()) {
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < utf8.size(); ++i)
      if (utf8[i] == '\n')
        starts.push_back(i + 1);
    for (auto& r : out.imports) {
      if (r.line == 0 || r.line > starts.size())
        continue;
      auto from = starts[r.line - 1];
      auto to = from;
      // The statement's physical line and those a backslash continues.
      for (;;) {
        auto nl = utf8.find('\n', to);
        to = nl == std::string_view::npos ? utf8.size() : nl;
        auto end = to;
        if (end > from && utf8[end - 1] == '\r')
          --end;
        if (nl == std::string_view::npos || end == from || utf8[end - 1] != '\\')
          break;
        to = nl + 1;
      }
      auto run = utf8.substr(from, to - from);
      for (std::size_t at = run.find('#'); at != std::string_view::npos; at = run.find('#', at + 1)) {
        auto word = run.substr(at, 6);
        std::string lower{word};
        for (auto& c : lower)
          c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
        if (lower == "# noqa") {
          auto nl = run.find('\n', at);
          r.noqa.assign(run.substr(at, nl == std::string_view::npos ? nl : nl - at));
          break;
        }
      }
    }
  }
  return out;
}

} // namespace troupe::actors
