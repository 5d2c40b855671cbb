// File: PEP 8 naming violations of one Python file, as pep8-naming 0.10.0
// reports them through flake8 (the record of the `naming` agent).
//
// Rules (pep8ext_naming.py's definitions; names in `setUp`, `tearDown`,
// `setUpClass`, `tearDownClass`, `setUpTestData`, `failureException`,
// `longMessage`, `maxDiff` are ignored as pep8-naming's defaults say):
//   N801 class name not CapWords (after stripping `_`: starts uppercase, no `_`)
//   N802 function name not lowercase (`__dir__`, `__getattr__` exempt)
//   N803 argument name not lowercase (*args/**kwargs first; one per def)
//   N804 first argument of a classmethod (decorated, `__new__`,
//        `__init_subclass__`, any method of a metaclass, `m = classmethod(m)`)
//        not `cls`
//   N805 first argument of a method not `self`
//   N806 variable in a function not lowercase (names declared global exempt)
//   N807 a function (not a method) named `__x__`
//   N811 constant imported as non-constant, N812 lowercase imported as
//   non-lowercase, N813 CamelCase imported as lowercase, N814 CamelCase
//   imported as constant, N817 CamelCase imported as its acronym
//   N815 mixedCase variable in a class, N816 mixedCase variable at module level
// Variables are assignment, annotated-assignment, walrus, for, with-as,
// except-as and comprehension targets (tuples and starred unpacked), not
// those of a namedtuple() call. Lines carrying flake8's `# noqa` (bare or
// listing the code) are skipped, and a file with a `# flake8: noqa` line
// has no violations, as flake8 reports them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// One violation flake8 would print.
struct naming_violation {
  /// pep8-naming's code: `N802`.
  std::string rule;
  /// flake8's line, 1-based.
  std::uint32_t line = 0;
  /// The offending name: the class, function, argument or variable, or the
  /// `as` name of an import.
  std::string name;
};

/// The violations of one file.
struct file_naming {
  /// Ordered by line, then in pep8-naming's visiting order.
  std::vector<naming_violation> violations;
};

/// Checks every class, def, import and assignment target of `tree` (parsed
/// from `utf8`), in the one walk it shares with extract_security.
[[nodiscard]] file_naming extract_naming(const syntax_tree& tree, std::string_view utf8);

} // namespace troupe::actors
