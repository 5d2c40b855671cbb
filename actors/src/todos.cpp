// File: the scan of comment tokens for TODO-style tags.
#include "troupe/actors/todos.hpp"

#include "python_grammar.hpp"

namespace troupe::actors {

namespace {

bool word_byte(unsigned char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
         || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

constexpr std::string_view tags[] = {"TODO", "FIXME", "XXX", "HACK"};

// The first tag standing as a word in `comment`, or an empty view.
std::string_view first_tag(std::string_view comment) noexcept {
  for (std::size_t pos = 0; pos < comment.size(); ++pos) {
    for (auto tag : tags)
      if (comment.compare(pos, tag.size(), tag) == 0
          && is_tag_at(comment, pos, tag.size()))
        return tag;
  }
  return {};
}

std::string_view trim(std::string_view text) noexcept {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\v'
           || c == '\n';
  };
  while (!text.empty() && space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && space(text.back()))
    text.remove_suffix(1);
  return text;
}

} // namespace

bool is_tag_at(std::string_view text, std::size_t pos,
               std::size_t length) noexcept {
  if (pos > 0 && word_byte(static_cast<unsigned char>(text[pos - 1])))
    return false;
  auto end = pos + length;
  return end >= text.size() || !word_byte(static_cast<unsigned char>(text[end]));
}

file_todos extract_todos(const syntax_tree& tree, std::string_view utf8) {
  file_todos out;
  if (!tree)
    return out;
  const auto comment = detail::grammar().comment;
  auto cursor = ts_tree_cursor_new(tree.root());
  for (;;) {
    auto node = ts_tree_cursor_current_node(&cursor);
    if (ts_node_symbol(node) == comment) {
      auto text = detail::node_text(node, utf8);
      auto tag = first_tag(text);
      if (!tag.empty()) {
        if (!text.empty() && text.front() == '#')
          text.remove_prefix(1);
        out.todos.push_back({ts_node_start_point(node).row + 1,
                             std::string{tag}, std::string{trim(text)}});
      }
    } else if (ts_tree_cursor_goto_first_child(&cursor)) {
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        return out;
      }
    }
  }
}

} // namespace troupe::actors
