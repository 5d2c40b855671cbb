// File: what deps_lookup knows about module names without asking an index.
#pragma once

#include <string>
#include <string_view>

namespace troupe::corpus::detail {

/// Whether a top-level module name belongs to Python 3.11's standard library.
bool is_stdlib_module(std::string_view top_level) noexcept;

/// The package-index project that provides an importable top-level module,
/// for the well-known cases where the two differ (`yaml` -> `PyYAML`);
/// the import name itself otherwise.
std::string project_for_import(std::string_view top_level);

} // namespace troupe::corpus::detail
