// File: the tree-sitter parser for Python source (grammar tree-sitter-python
// 0.23.6, ABI 14).
#pragma once

#include <chrono>
#include <string_view>

#include "troupe/actors/syntax_tree.hpp"

namespace troupe::actors {

/// Parses UTF-8 Python source into syntax trees. Not thread-safe: keep one
/// parser per thread and reuse it, since it keeps its allocations between
/// files. tree-sitter recovers from every syntax error, so any input yields a
/// tree whose `syntax_errors()` counts the damage.
///
/// ~~~
/// python_parser parser;
/// auto tree = parser.parse(source.text);
/// auto symbols = extract_symbols(tree, source.text);
/// ~~~
class python_parser {
public:
  /// Creates a parser with the Python grammar loaded.
  python_parser();

  python_parser(python_parser&& other) noexcept;
  python_parser& operator=(python_parser&& other) noexcept;
  python_parser(const python_parser&) = delete;
  python_parser& operator=(const python_parser&) = delete;
  ~python_parser();

  /// Stops a parse after `limit` (0, the default, means no limit); a parse
  /// that runs out of time returns an empty tree.
  void set_timeout(std::chrono::microseconds limit) noexcept;

  /// Parses `utf8`. Returns an empty tree on timeout, for input of 4 GiB or
  /// more, and for input nested so deeply (about 30,000 unfinished levels;
  /// Python's limit is 200 brackets) that libtree-sitter 0.20.7 would corrupt
  /// its heap. A file that parses with errors is parsed again with the
  /// grammar's in-bracket dedent bug worked around; the tree's offsets always
  /// refer to `utf8`.
  [[nodiscard]] syntax_tree parse(std::string_view utf8);

private:
  syntax_tree parse_once(std::string_view utf8);

  TSParser* parser_ = nullptr;
};

} // namespace troupe::actors
