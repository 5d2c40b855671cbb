// File: TODO/FIXME/XXX/HACK comments of one Python file (the record of the
// `todos` agent).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// One comment carrying a tag.
struct todo_record {
  /// Line of the comment, 1-based.
  std::uint32_t line = 0;
  /// The first tag in the comment: `TODO`, `FIXME`, `XXX` or `HACK`.
  std::string tag;
  /// The comment without its `#` and surrounding whitespace.
  std::string text;
};

/// The tagged comments of a file.
struct file_todos {
  /// In source order.
  std::vector<todo_record> todos;
};

/// Whether `word` at `pos` of `text` stands as a word: the byte before and
/// after it is not an ASCII letter, digit or `_`, nor part of a non-ASCII
/// character (Python's `\b` with Unicode word characters, approximated).
[[nodiscard]] bool is_tag_at(std::string_view text, std::size_t pos,
                             std::size_t length) noexcept;

/// Finds comments (never strings) in which an uppercase tag stands as a word:
/// `# TODO: x`, `#FIXME`, `# see XXX.` count; `# todo`, `# TODOS`, `# _HACK`
/// do not.
[[nodiscard]] file_todos extract_todos(const syntax_tree& tree,
                                       std::string_view utf8);

} // namespace troupe::actors
