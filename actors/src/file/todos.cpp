// File: the scan of comment tokens for TODO-style tags.
#include "troupe/actors/file/todos.hpp"

#include "source/python_grammar.hpp"

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
  // Tags are rare: find them in the text first, then ask the tree whether
  // each stands in a comment (and not in a string or in code), instead of
  // visiting every node.
  const auto comment = detail::grammar().comment;
  auto root = tree.root();
  std::uint32_t last_comment_end = 0;
  for (std::size_t pos = 0; pos < utf8.size(); ++pos) {
    char c = utf8[pos];
    if (c != 'T' && c != 'F' && c != 'X' && c != 'H')
      continue;
    std::string_view tag;
    for (auto t : tags)
      if (utf8.compare(pos, t.size(), t) == 0 && is_tag_at(utf8, pos, t.size()))
        tag = t;
    if (tag.empty() || pos < last_comment_end)
      continue;
    auto at = static_cast<std::uint32_t>(pos);
    auto node = ts_node_descendant_for_byte_range(root, at, at + static_cast<std::uint32_t>(tag.size()));
    if (ts_node_is_null(node) || ts_node_symbol(node) != comment)
      continue;
    last_comment_end = ts_node_end_byte(node);
    auto text = detail::node_text(node, utf8);
    tag = first_tag(text); // the comment's first tag names the entry
    if (!text.empty() && text.front() == '#')
      text.remove_prefix(1);
    out.todos.push_back({ts_node_start_point(node).row + 1, std::string{tag},
                         std::string{trim(text)}});
  }
  return out;
}

} // namespace troupe::actors
