// File: the byte-level check run before any text reaches yaml-cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "troupe/config/config_error.hpp"

namespace troupe::config::internal {

/// Finds the first byte that is not valid UTF-8 or is a forbidden control
/// character; returns its error (with line and column) or nothing.
std::optional<config_error> check_text(std::string_view text,
                                       const std::string& file);

} // namespace troupe::config::internal
