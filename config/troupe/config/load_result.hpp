// File: the outcome of loading a profile: settings or a list of errors.
#pragma once

#include <optional>
#include <vector>

#include "troupe/config/config_error.hpp"
#include "troupe/config/settings.hpp"

namespace troupe::config {

/// Either validated settings (and no errors) or every error that was found.
struct load_result {
  /// The validated settings; empty when `errors` is not.
  std::optional<settings> value;
  /// All errors found, in file order; a failed load has at least one.
  std::vector<config_error> errors;

  /// True when the profile loaded and validated.
  bool ok() const noexcept {
    return value.has_value();
  }
};

} // namespace troupe::config
