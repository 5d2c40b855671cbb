// File: line classification from the tokens of the tree.
#include "troupe/actors/file/size_metrics.hpp"

#include "source/python_grammar.hpp"
#include "troupe/actors/file/docstrings.hpp"

#include <vector>

namespace troupe::actors {

namespace {

enum line_flag : std::uint8_t {
  has_token = 1,
  has_comment = 2,
  in_docstring = 4,
  has_text = 8,
};

bool whitespace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\v';
}

// Marks rows start..end of `node` (a token that swallowed its line break
// ends at column 0 of the next row, which it does not cover).
void mark(std::vector<std::uint8_t>& lines, TSNode node, line_flag flag) {
  auto start = ts_node_start_point(node).row;
  auto end_point = ts_node_end_point(node);
  auto end = end_point.row;
  if (end_point.column == 0 && end > start)
    --end;
  for (auto row = start; row <= end && row < lines.size(); ++row)
    lines[row] |= flag;
}

} // namespace

size_metrics extract_size_metrics(const syntax_tree& tree,
                                  std::string_view utf8) {
  // Lines and whether they hold any non-whitespace text.
  std::vector<std::uint8_t> lines;
  bool text = false;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if (utf8[i] == '\n') {
      lines.push_back(text ? has_text : 0);
      text = false;
    } else if (!whitespace(utf8[i])) {
      text = true;
    }
  }
  if (!utf8.empty() && utf8.back() != '\n')
    lines.push_back(text ? has_text : 0);
  if (tree) {
    const auto& g = detail::grammar();
    auto cursor = ts_tree_cursor_new(tree.root());
    for (;;) {
      auto node = ts_tree_cursor_current_node(&cursor);
      auto symbol = ts_node_symbol(node);
      bool leaf = ts_node_child_count(node) == 0;
      auto start = ts_node_start_point(node);
      auto end = ts_node_end_point(node);
      bool one_row = start.row == end.row || (end.row == start.row + 1 && end.column == 0);
      auto first = ts_node_start_byte(node) < utf8.size() ? utf8[ts_node_start_byte(node)] : '#';
      if (symbol == g.comment) {
        mark(lines, node, has_comment);
      } else if (one_row && !leaf && symbol != g.string && first != '#' && !whitespace(first)
                 && first != '\n') {
        // A node on one row that starts with a token: the row has code, and
        // nothing inside can change that (code wins over comments), so its
        // subtree is not walked.
        if (start.row < lines.size())
          lines[start.row] |= has_token;
      } else if (symbol == g.string || leaf) {
        auto token = detail::node_text(node, utf8);
        bool blank = true;
        for (char c : token)
          blank = blank && (whitespace(c) || c == '\n');
        if (!blank)
          mark(lines, node, has_token);
      } else if (ts_tree_cursor_goto_first_child(&cursor)) {
        continue;
      }
      bool done = false;
      while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
        if (!ts_tree_cursor_goto_parent(&cursor)) {
          done = true;
          break;
        }
      }
      if (done)
        break;
    }
    ts_tree_cursor_delete(&cursor);
    auto docs = extract_docstrings(tree, utf8);
    auto mark_doc = [&](const docstring_entry& entry) {
      for (auto row = entry.first_line; entry.present && row <= entry.last_line
                                        && row <= lines.size();
           ++row)
        lines[row - 1] |= in_docstring;
    };
    mark_doc(docs.module);
    for (const auto& entry : docs.classes)
      mark_doc(entry);
    for (const auto& entry : docs.functions)
      mark_doc(entry);
  }
  size_metrics out;
  out.total = static_cast<std::uint32_t>(lines.size());
  for (auto flags : lines) {
    if (flags & in_docstring)
      ++out.docstring;
    else if ((flags & has_token) || ((flags & has_text) && !(flags & has_comment)))
      ++out.code;
    else if (flags & has_comment)
      ++out.comment;
    else
      ++out.blank;
  }
  return out;
}

} // namespace troupe::actors
