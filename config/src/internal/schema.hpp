// File: the profile schema as data: one row per settings field.
//
// Every value is carried as a std::uint64_t (bytes, milliseconds, counts,
// 0/1 for flags, an index into `choices`), so parsing, range checks,
// rendering and diffing are written once for all fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/config/settings.hpp"

namespace troupe::config::internal {

/// How a field is spelled in YAML.
enum class value_kind { size, duration, count, flag, choice };

/// One settings field: where it lives in YAML, its type, range and accessors.
struct field {
  /// The section key, e.g. "cache".
  std::string_view section;
  /// The key inside the section, e.g. "l1_size".
  std::string_view key;
  value_kind kind;
  /// Inclusive bounds, in the field's base unit (bytes, ms, count).
  std::uint64_t min;
  std::uint64_t max;
  /// For `choice` fields: the allowed words, '|'-separated, index = value.
  std::string_view choices;
  std::uint64_t (*get)(const settings&);
  void (*set)(settings&, std::uint64_t);

  /// The dotted key path, e.g. "cache.l1_size".
  std::string path() const;
};

/// One settings field holding a list of strings (a YAML sequence).
struct list_field {
  std::string_view section;
  std::string_view key;
  /// The allowed words, '|'-separated; empty: any string.
  std::string_view choices;
  /// The list, or nullptr when it is unset (a field whose default depends
  /// on the command).
  const std::vector<std::string>* (*get)(const settings&);
  void (*set)(settings&, std::vector<std::string>);

  /// The dotted key path, e.g. "analysis.exclude".
  std::string path() const;
};

/// The list fields, in canonical order.
const std::vector<list_field>& list_schema();

/// The list field at `section.key`, or nullptr.
const list_field* find_list_field(std::string_view section, std::string_view key);

/// Renders a list as a YAML flow sequence of quoted strings.
std::string render_list(const std::vector<std::string>& items);

/// All fields, in the canonical order used by `to_yaml` and `diff`.
const std::vector<field>& schema();

/// The section names, in canonical order.
const std::vector<std::string_view>& sections();

/// The keys allowed at the top level of a profile.
const std::vector<std::string_view>& top_level_keys();

/// The keys of one section, in canonical order.
std::vector<std::string_view> keys_of(std::string_view section);

/// The field at `section.key`, or nullptr.
const field* find_field(std::string_view section, std::string_view key);

/// The words a choice field accepts.
std::vector<std::string_view> choice_words(const field& f);

/// Renders a value the way a profile would spell it.
std::string render_value(const field& f, std::uint64_t value);

/// What the field expects, for error messages ("a size such as 512MiB").
std::string expectation(const field& f);

/// Renders the field's range ("between 1 and 1024"), or "" when unbounded.
std::string range_text(const field& f);

} // namespace troupe::config::internal
