// File: the import statements of one Python file, as Python's `ast` reports
// them (the record of the `imports` agent).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// One name of a `from ... import` (ast's `alias`).
struct imported_name {
  /// The imported name, `*` for a star import.
  std::string name;
  /// The `as` name; empty when there is none.
  std::string alias;
};

/// One imported module: each module of `import a, b.c as d` gets a record of
/// its own (ast's `Import.names`), a `from` import one record in all.
struct import_record {
  /// The dotted module name as ast spells it (spaces and comments inside a
  /// dotted name removed); empty for `from . import x`.
  std::string module;
  /// `import m as alias`: the alias; empty otherwise.
  std::string alias;
  /// `from m import ...`: the names in order; empty for `import m`.
  std::vector<imported_name> names;
  /// Line of the statement (of its `import` or `from` keyword), 1-based.
  std::uint32_t line = 0;
  /// Leading dots of a relative import (ast's `ImportFrom.level`); 0 else.
  std::uint32_t level = 0;
  /// Whether it is a `from` import (ast.ImportFrom; `__future__` included).
  bool from_import = false;
  /// Whether the statement is not a direct statement of the module body:
  /// it sits inside an `if`, `try`, loop, `with`, `match`, def or class, so
  /// whether (or when) it runs depends on something else.
  bool conditional = false;
  /// Whether it sits inside a def body, where it binds local names.
  bool in_function = false;
  /// flake8's noqa for the statement: from `# noqa` to the end of the
  /// statement's line (joined with the lines a backslash continues it
  /// onto), `# noqa` for a file marked `# flake8: noqa`; empty when none.
  /// Read with noqa_silences (troupe/actors/source/noqa.hpp).
  std::string noqa;
};

/// Every import of a file, in source order.
struct file_imports {
  /// The imports, ordered by position.
  std::vector<import_record> imports;
};

/// Finds every import statement in `tree` (parsed from `utf8`), wherever it
/// is nested; walks statements only, without recursion.
[[nodiscard]] file_imports extract_imports(const syntax_tree& tree,
                                           std::string_view utf8);

} // namespace troupe::actors
