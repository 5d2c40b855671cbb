// File: range checks for settings changed after loading (CLI overrides).
#pragma once

#include <vector>

#include "troupe/config/config_error.hpp"
#include "troupe/config/settings.hpp"

namespace troupe::config {

/// Checks every field against the schema's ranges and the rules that relate
/// fields; returns one error per violation, with the key path but no file.
[[nodiscard]] std::vector<config_error> validate(const settings& value);

} // namespace troupe::config
