// File: the canonical YAML rendering of settings (`troupe config show`).
#pragma once

#include <string>

#include "troupe/config/settings.hpp"

namespace troupe::config {

/// Renders every setting, resolved, in schema order with units (`256MiB`,
/// `1h`); loading the output again gives equal settings.
std::string to_yaml(const settings& value);

/// The YAML spelling of a worker type ("thread" or "process").
const char* to_string(worker_type value) noexcept;

} // namespace troupe::config
