// File: extracting functions and classes from a Python syntax tree.
#pragma once

#include <string_view>

#include "troupe/actors/file/symbol_records.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// Finds every function and class in `tree` (parsed from `utf8`) with the
/// names, lines and qualified names Python 3.11's `ast` and `__qualname__`
/// give them; visits statements only, never expressions, so it is cheap.
[[nodiscard]] file_symbols extract_symbols(const syntax_tree& tree,
                                           std::string_view utf8);

} // namespace troupe::actors
