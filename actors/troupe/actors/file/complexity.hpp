// File: McCabe complexity of one Python file, as PyCQA mccabe 0.7 (flake8's
// C901 checker) computes it (the record of the `complexity` agent).
//
// mccabe builds one control-flow graph per top-level function and per `if`,
// `for`, `while` or `try` statement outside any function (module or class
// level); its complexity is edges - nodes + 2. Counted that way:
//   - a function starts at 1, a module/class-level block at 1 + its own weight;
//   - `if` and each `elif`, `for`/`async for`, `while` add 1 (a loop's `else`
//     adds nothing);
//   - `try` adds 1 plus 1 per `except` handler; its `finally` body is never
//     visited, nor are the bodies of `match` and `try ... except*` statements;
//   - a nested def adds 1 plus its own decisions to the enclosing graph, and is
//     not reported on its own by mccabe; a nested class adds its body's;
//   - boolean operators, comprehensions, lambdas, `with` and `assert` add 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/file/symbols_view.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// The complexity of one `def` or `async def`.
struct function_complexity {
  /// Python's `__qualname__`, as in the `symbols` record.
  std::string qualname;
  /// Line of the `def` keyword, 1-based.
  std::uint32_t line = 0;
  /// Column of the def in UTF-8 bytes (ast's `col_offset`).
  std::uint32_t column = 0;
  /// The function's graph complexity. For a function mccabe reports this is
  /// its figure; for one it does not (nested, or in a region it skips) it is
  /// what mccabe would report for the same def at module level.
  std::uint32_t complexity = 1;
  /// The key mccabe stores its graph under (`Class.method`, `function`); empty
  /// when mccabe has no graph of its own for this function.
  std::string mccabe_key;
};

/// A module- or class-level `if`, loop or `try`, which mccabe reports as a
/// graph of its own.
struct block_complexity {
  /// mccabe's key: enclosing class names and `If 12`, `Loop 3` or
  /// `TryExcept 7` (`C.If 12`).
  std::string mccabe_key;
  /// Line of the statement's keyword, 1-based.
  std::uint32_t line = 0;
  /// Column of the statement in UTF-8 bytes.
  std::uint32_t column = 0;
  /// The block's graph complexity (at least 2).
  std::uint32_t complexity = 2;
};

/// The complexities of one file.
struct file_complexity {
  /// Every def in the file, ordered by its line.
  std::vector<function_complexity> functions;
  /// mccabe's module/class-level block graphs, in source order.
  std::vector<block_complexity> blocks;
};

/// Pairs the defs of `symbols` with their entries of `record`: calls
/// `visit(index, def, entry)` for each def in order, `entry` being the
/// record's first entry on the def's line when it names the same qualname,
/// else null (both list the defs by line; a damaged pairing never mixes
/// functions up). One walk, no allocation.
template <class Visit>
void pair_complexity(const file_complexity& record, const symbols_view& symbols, Visit&& visit) {
  const auto& entries = record.functions;
  std::size_t next = 0;
  for (std::size_t i = 0; i < symbols.functions.size(); ++i) {
    const auto& def = symbols.functions[i];
    while (next < entries.size() && entries[next].line < def.line)
      ++next;
    const function_complexity* entry = nullptr;
    if (next < entries.size() && entries[next].line == def.line
        && entries[next].qualname == def.qualname)
      entry = &entries[next];
    visit(i, def, entry);
  }
}

/// Computes mccabe's complexity for every function and block of `tree`
/// (parsed from `utf8`); walks statements only, without recursion.
[[nodiscard]] file_complexity extract_complexity(const syntax_tree& tree,
                                                 std::string_view utf8);

} // namespace troupe::actors
