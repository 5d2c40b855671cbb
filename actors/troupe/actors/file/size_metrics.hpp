// File: line counts of one Python file (the record of the `size` agent).
//
// Every physical line (ended by `\n`, `\r\n` or a lone `\r`; a last line
// without a line break counts) gets exactly one category, the first that
// applies:
//   1. docstring: the line is within the first..last line of a module, class
//      or function docstring literal (`ast.get_docstring`'s nodes);
//   2. code: a token other than a comment covers the line (a token that spans
//      lines, such as a triple-quoted string, covers each of them), or the
//      line has anything but whitespace and comments (a lone `\`);
//   3. comment: the line has a comment token and nothing else;
//   4. blank: only spaces, tabs, form feeds (or nothing).
// So total == code + comment + blank + docstring.
#pragma once

#include <cstdint>
#include <string_view>

#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// The line counts of a file.
struct size_metrics {
  /// Physical lines.
  std::uint32_t total = 0;
  /// Lines with code (see the file comment for the exact rules).
  std::uint32_t code = 0;
  /// Lines with only a comment.
  std::uint32_t comment = 0;
  /// Empty or whitespace-only lines outside any token.
  std::uint32_t blank = 0;
  /// Lines of module, class and function docstrings.
  std::uint32_t docstring = 0;
};

/// Counts the lines of `utf8` (as decode_python_source returns it) using the
/// tokens of `tree`; an empty tree counts non-blank lines as code.
[[nodiscard]] size_metrics extract_size_metrics(const syntax_tree& tree,
                                                std::string_view utf8);

} // namespace troupe::actors
