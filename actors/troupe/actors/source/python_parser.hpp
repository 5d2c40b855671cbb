// File: the tree-sitter parser for Python source (grammar tree-sitter-python
// 0.23.6, ABI 14).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "troupe/actors/source/parse_budget.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

namespace detail {
struct parse_stop;
} // namespace detail

/// What a parse under parse_limits produced.
struct limited_parse {
  /// The parse's share of the memory pool, held until `tree` is gone
  /// (declared first: destroyed last).
  std::shared_ptr<const void> lease;
  /// The tree; empty unless `outcome` is parse_outcome::done.
  syntax_tree tree;
  parse_outcome outcome = parse_outcome::done;
  /// Wall seconds the parse took (waiting for the pool included).
  double seconds = 0;
  /// The most tree-sitter held for it at once, when counted (a memory
  /// limit or a pool), else 0.
  std::uint64_t peak_bytes = 0;
};

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

  /// Parses `utf8` as `parse` does, within `limits`: the parse runs in
  /// slices of at most 50 ms and stops when it has taken `limits.time`,
  /// when it would hold more than `limits.memory` (or the whole pool), or
  /// when `limits.cancelled` is set. With a pool, it first waits until its
  /// estimated cost fits; a parse that cannot grow because other parses
  /// hold the pool is started again once it can have all it may use.
  [[nodiscard]] limited_parse parse(std::string_view utf8, const parse_limits& limits);

private:
  syntax_tree parse_once(std::string_view utf8);
  /// One parse of `utf8`, resumed slice by slice; null when stopped, with
  /// `outcome` saying why.
  TSTree* parse_sliced(std::string_view utf8, const parse_limits& limits,
                       std::chrono::steady_clock::time_point deadline,
                       detail::parse_stop& stop, parse_outcome& outcome);
  /// Whether `utf8` is refused before parsing (see `parse`).
  static bool refused(std::string_view utf8);

  TSParser* parser_ = nullptr;
};

} // namespace troupe::actors
