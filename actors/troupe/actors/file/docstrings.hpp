// File: which module, class and function of one Python file has a docstring,
// as `ast.get_docstring` decides (the record of the `docstrings` agent).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// Whether one class or function has a docstring.
struct docstring_entry {
  /// Python's `__qualname__`, as in the `symbols` record.
  std::string qualname;
  /// Line of the `def` or `class` keyword, 1-based.
  std::uint32_t line = 0;
  /// Whether `ast.get_docstring(node)` is not None: the first statement of
  /// the body is a plain string literal (implicit concatenation included,
  /// bytes and f-strings excluded); an empty string counts.
  bool present = false;
  /// First and last line of the docstring literal; 0 when absent.
  std::uint32_t first_line = 0;
  std::uint32_t last_line = 0;
};

/// The docstrings of a file and its coverage.
struct file_docstrings {
  /// The module's own docstring.
  docstring_entry module;
  /// Every class, ordered by line.
  std::vector<docstring_entry> classes;
  /// Every def (methods and nested ones too), ordered by line.
  std::vector<docstring_entry> functions;
  /// How many of module, classes and functions have one.
  std::uint32_t documented = 0;
  /// How many there are in all (1 + classes + functions).
  std::uint32_t total = 1;

  /// documented / total, in [0, 1].
  [[nodiscard]] double coverage() const noexcept {
    return static_cast<double>(documented) / static_cast<double>(total);
  }
};

/// Finds the docstrings of `tree` (parsed from `utf8`); statements only.
[[nodiscard]] file_docstrings extract_docstrings(const syntax_tree& tree,
                                                 std::string_view utf8);

} // namespace troupe::actors
