// File: one diagnostic about a profile, with the place it points at.
#pragma once

#include <string>

namespace troupe::config {

/// A problem found while loading or validating a profile; `line` and `column`
/// are 1-based and 0 when unknown, `file` and `key_path` are empty when
/// unknown.
struct config_error {
  /// The file the error is in ("<string>" for in-memory profiles).
  std::string file;
  /// The 1-based line, or 0 when the error has no position.
  int line = 0;
  /// The 1-based column (counted in bytes, as yaml-cpp does), or 0.
  int column = 0;
  /// The dotted key path, e.g. "cache.l1_size"; empty for file-level errors.
  std::string key_path;
  /// What is wrong and what was expected.
  std::string message;

  /// Renders `FILE:LINE:COL: KEY.PATH: MESSAGE`, leaving out unknown parts.
  std::string to_string() const;
};

} // namespace troupe::config
