// File: identity of the `symbols` agent, as it enters cache keys.
#pragma once

namespace troupe::actors {

/// The `symbols` agent: functions and classes of one file.
struct symbols_agent {
  /// Stable id, part of every cache key.
  static constexpr const char* id = "symbols";
  /// Bump whenever extract_symbols or the record schema changes its output.
  static constexpr const char* version = "3";
  /// The grammar the syntax trees come from.
  static constexpr const char* grammar = "tree-sitter-python@0.23.6";
};

} // namespace troupe::actors
