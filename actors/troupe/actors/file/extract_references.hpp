// File: the second half of the `symbols` record: what a file references
// (names, attributes, `__all__`, calls) and normalised body hashes, which the
// corpus agents (unused_imports, call_graph, dead_code, duplicates,
// api_surface) read instead of a syntax tree.
#pragma once

#include <string_view>

#include "troupe/actors/file/symbol_records.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// Fills the reference members of `symbols` (names, attributes, exports,
/// has_all, module_calls, and per function signature, calls, body_hash,
/// body_tokens) from one walk over every node of `tree`. `symbols` must come
/// from extract_symbols on the same tree.
void extract_references(const syntax_tree& tree, std::string_view utf8,
                        file_symbols& symbols);

/// extract_symbols followed by extract_references: the full record of the
/// `symbols` agent.
[[nodiscard]] file_symbols extract_symbol_record(const syntax_tree& tree,
                                                 std::string_view utf8);

} // namespace troupe::actors
