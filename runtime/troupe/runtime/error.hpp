// File: troupe error codes as CAF errors.
#pragma once

#include <string>

#include <caf/error.hpp>

#include "troupe/config/errc.hpp"

namespace troupe {

/// Wraps a troupe error code and a human-readable context into a `caf::error`.
caf::error make_error(errc code, std::string context = {});

/// Renders any error, including troupe's own, as "category: code (context)".
std::string render_error(const caf::error& err);

} // namespace troupe
