// File: the settings that differ between two profiles (`troupe config diff`).
#pragma once

#include <string>
#include <vector>

#include "troupe/config/settings.hpp"

namespace troupe::config {

/// One key whose value differs, with both values as a profile spells them.
struct setting_difference {
  /// The dotted key path, e.g. "parallel.workers".
  std::string key_path;
  /// The value in the first settings.
  std::string left;
  /// The value in the second settings.
  std::string right;

  /// Renders `KEY.PATH: LEFT -> RIGHT`.
  std::string to_string() const;
};

/// The schema keys whose values differ between `a` and `b`, in schema order;
/// `profile` and `description` are not compared.
[[nodiscard]] std::vector<setting_difference> diff(const settings& a,
                                                  const settings& b);

} // namespace troupe::config
