// File: a small, position-carrying YAML tree built from yaml-cpp events.
//
// yaml-cpp's own Node loses duplicate keys, expands aliases and recurses
// without a useful limit; this reader keeps every key with its line and
// column and enforces the strict subset profiles may use.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/config/config_error.hpp"

namespace troupe::config::internal {

/// One YAML node with its 1-based position.
struct yaml_node {
  enum class kind { null, scalar, sequence, mapping, rejected };

  kind type = kind::null;
  int line = 0;
  int column = 0;
  /// The scalar's text.
  std::string text;
  /// Whether the scalar was quoted (a string for sure, never a number).
  bool quoted = false;
  /// Sequence items, or alternating key and value nodes of a mapping.
  std::vector<yaml_node> children;
};

/// Limits of the reader.
struct reader_limits {
  /// Deepest nesting of mappings and sequences accepted (at most 256).
  int max_depth = 16;
  /// Largest file accepted, in bytes.
  size_t max_bytes = 1u << 20;
};

/// Parses `text` as exactly one YAML document; appends every problem to
/// `errors` (tagged with `file`) and returns the root when one was read.
std::optional<yaml_node> read_yaml(std::string_view text,
                                   const std::string& file,
                                   const reader_limits& limits,
                                   std::vector<config_error>& errors);

/// A short description of a node's type for messages ("a mapping").
std::string describe(const yaml_node& node);

} // namespace troupe::config::internal
