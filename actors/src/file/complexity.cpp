// File: mccabe's complexity without building its graphs: each statement adds
// its weight to the innermost graph, nested defs add their total on the way
// out (see the rules in complexity.hpp).
#include "troupe/actors/file/complexity.hpp"

#include "file/metrics_grammar.hpp"
#include "source/python_grammar.hpp"
#include "troupe/actors/file/extract_symbols.hpp"

#include <algorithm>
#include <unordered_map>

namespace troupe::actors {

namespace {

using detail::grammar;
using detail::metric_symbols;
using detail::node_text;

// Where a statement sits, as far as the graphs are concerned.
struct context {
  int frame = -1;       // innermost function or block graph, -1 for none
  bool counted = true;  // decisions here count for `frame`
  bool reached = true;  // mccabe's visitor gets here at all
  bool graph = false;   // mccabe has a graph open here
  std::uint32_t prefix = 0; // index into the class-name prefixes
};

struct frame {
  int parent = -1;         // the frame a nested def adds its total to
  std::uint32_t sum = 1;   // complexity so far
  int function = -1;       // index into functions, or -1 for a block
  int block = -1;          // index into blocks, or -1 for a function
};

struct item {
  TSNode node;
  context where;
};

class complexity_walker {
public:
  complexity_walker(std::string_view utf8, TSNode root)
    : utf8_(utf8), cursor_(ts_tree_cursor_new(root)) {
    prefixes_.emplace_back();
  }

  complexity_walker(const complexity_walker&) = delete;
  complexity_walker& operator=(const complexity_walker&) = delete;

  ~complexity_walker() {
    ts_tree_cursor_delete(&cursor_);
  }

  void run(TSNode root, file_complexity& out);

private:
  void push_children(TSNode node, const context& where);
  context open_block(TSNode node, const context& where, std::uint32_t weight,
                     std::string_view word, file_complexity& out);
  bool star_handler(TSNode clause) const noexcept;
  void add(const context& where, std::uint32_t weight) {
    if (where.frame >= 0 && where.counted)
      frames_[static_cast<std::size_t>(where.frame)].sum += weight;
  }

  std::string_view utf8_;
  TSTreeCursor cursor_;
  std::vector<item> stack_;
  std::vector<frame> frames_;
  std::vector<std::string> prefixes_;
  std::vector<TSNode> scratch_;
};

// tree-sitter reads `except *E` (a space after the star) as an except clause
// catching `*E`; ast reads an `except*` handler of a TryStar.
bool complexity_walker::star_handler(TSNode clause) const noexcept {
  auto text = node_text(clause, utf8_);
  if (text.size() < 6)
    return false;
  text.remove_prefix(6); // `except`
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()
        && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
      ++i;
      continue;
    }
    if (c != ' ' && c != '\t' && c != '\f' && c != '\n' && c != '\r')
      return c == '*';
  }
  return false;
}

void complexity_walker::push_children(TSNode node, const context& where) {
  detail::children_of(node, cursor_, scratch_);
  for (auto it = scratch_.rbegin(); it != scratch_.rend(); ++it)
    stack_.push_back({*it, where});
}

context complexity_walker::open_block(TSNode node, const context& where,
                                      std::uint32_t weight,
                                      std::string_view word,
                                      file_complexity& out) {
  if (!where.reached || where.graph) {
    add(where, weight);
    return where;
  }
  auto start = ts_node_start_point(node);
  auto& block = out.blocks.emplace_back();
  block.line = start.row + 1;
  block.column = start.column;
  block.complexity = 0;
  block.mccabe_key = prefixes_[where.prefix];
  block.mccabe_key += word;
  block.mccabe_key += ' ';
  block.mccabe_key += std::to_string(block.line);
  frames_.push_back({-1, 1 + weight, -1, static_cast<int>(out.blocks.size() - 1)});
  return {static_cast<int>(frames_.size() - 1), true, true, true, where.prefix};
}

void complexity_walker::run(TSNode root, file_complexity& out) {
  const auto& g = grammar();
  const auto& m = metric_symbols();
  stack_.push_back({root, context{}});
  while (!stack_.empty()) {
    auto [node, where] = stack_.back();
    stack_.pop_back();
    auto symbol = ts_node_symbol(node);
    if (symbol == g.function_definition) {
      auto start = ts_node_start_point(node);
      auto& function = out.functions.emplace_back();
      function.line = start.row + 1;
      function.column = start.column;
      auto name = node_text(ts_node_child_by_field_id(node, g.name_field), utf8_);
      if (where.reached && !where.graph) {
        function.mccabe_key = prefixes_[where.prefix];
        function.mccabe_key += name;
      }
      frames_.push_back({where.counted ? where.frame : -1, 1,
                         static_cast<int>(out.functions.size() - 1), -1});
      context inner{static_cast<int>(frames_.size() - 1), true, where.reached,
                    true, where.prefix};
      auto body = ts_node_child_by_field_id(node, g.body_field);
      if (!ts_node_is_null(body))
        stack_.push_back({body, inner});
    } else if (symbol == g.class_definition) {
      context inner = where;
      if (where.reached && !where.graph) {
        auto name = node_text(ts_node_child_by_field_id(node, g.name_field),
                              utf8_);
        prefixes_.push_back(prefixes_[where.prefix] + std::string(name) + ".");
        inner.prefix = static_cast<std::uint32_t>(prefixes_.size() - 1);
      }
      auto body = ts_node_child_by_field_id(node, g.body_field);
      if (!ts_node_is_null(body))
        stack_.push_back({body, inner});
    } else if (symbol == m.if_statement) {
      push_children(node, open_block(node, where, 1, "If", out));
    } else if (symbol == m.for_statement || symbol == m.while_statement) {
      push_children(node, open_block(node, where, 1, "Loop", out));
    } else if (symbol == m.elif_clause) {
      add(where, 1);
      push_children(node, where);
    } else if (symbol == m.try_statement) {
      detail::children_of(node, cursor_, scratch_);
      std::uint32_t handlers = 0;
      bool star = false;
      for (auto child : scratch_) {
        auto kind = ts_node_symbol(child);
        handlers += kind == m.except_clause;
        star = star || kind == m.except_group_clause
               || (kind == m.except_clause && star_handler(child));
      }
      context skipped = where;
      skipped.counted = false;
      skipped.reached = false;
      if (star) { // ast.TryStar: a simple statement to mccabe
        push_children(node, skipped);
        continue;
      }
      auto inner = open_block(node, where, 1 + handlers, "TryExcept", out);
      skipped = inner;
      skipped.counted = false;
      skipped.reached = false;
      detail::children_of(node, cursor_, scratch_);
      for (auto it = scratch_.rbegin(); it != scratch_.rend(); ++it)
        stack_.push_back({*it, ts_node_symbol(*it) == m.finally_clause
                                 ? skipped : inner});
    } else if (symbol == m.match_statement) {
      context skipped = where;
      skipped.counted = false;
      skipped.reached = false;
      push_children(node, skipped);
    } else if (symbol == g.module || symbol == g.block
               || symbol == m.else_clause || symbol == m.except_clause
               || symbol == m.finally_clause || symbol == m.with_statement
               || symbol == m.case_clause || symbol == g.decorated_definition
               || symbol == detail::error_symbol) {
      push_children(node, where);
    }
  }
  // Frames were opened in source order, so every nested def comes after its
  // parent: adding back to front hands each total up exactly once.
  for (auto i = frames_.size(); i-- > 0;) {
    const auto& f = frames_[i];
    if (f.parent >= 0)
      frames_[static_cast<std::size_t>(f.parent)].sum += f.sum;
    if (f.function >= 0)
      out.functions[static_cast<std::size_t>(f.function)].complexity = f.sum;
    else
      out.blocks[static_cast<std::size_t>(f.block)].complexity = f.sum;
  }
}

} // namespace

file_complexity extract_complexity(const syntax_tree& tree,
                                   std::string_view utf8) {
  file_complexity out;
  if (!tree)
    return out;
  auto root = tree.root();
  complexity_walker walker{utf8, root};
  walker.run(root, out);
  // Qualified names come from the symbols walk, which handles `global`.
  const auto& symbols = detail::symbols_of(tree, utf8);
  std::unordered_map<std::uint32_t, const std::string*> by_line;
  for (const auto& function : symbols.functions)
    by_line.emplace(function.line, &function.qualname);
  for (auto& function : out.functions) {
    auto found = by_line.find(function.line);
    if (found != by_line.end())
      function.qualname = *found->second;
  }
  auto by_position = [](const auto& a, const auto& b) {
    return a.line < b.line || (a.line == b.line && a.column < b.column);
  };
  std::stable_sort(out.functions.begin(), out.functions.end(), by_position);
  return out;
}

} // namespace troupe::actors
