// File: reading the records of the built-in metric agents back from their
// serialised (Cap'n Proto) form, for the corpus agents and for hosts.
#pragma once

#include <string_view>

#include "troupe/actors/file/complexity.hpp"
#include "troupe/actors/file/docstrings.hpp"
#include "troupe/actors/file/imports.hpp"
#include "troupe/actors/file/naming.hpp"
#include "troupe/actors/file/security.hpp"
#include "troupe/actors/file/size_metrics.hpp"
#include "troupe/actors/file/todos.hpp"

namespace troupe::actors {

/// Parses a record written by the agent of the same name; false (and `out`
/// unspecified) when the bytes are not one well-formed record.
[[nodiscard]] bool decode_size(std::string_view bytes, size_metrics& out);
[[nodiscard]] bool decode_complexity(std::string_view bytes, file_complexity& out);
[[nodiscard]] bool decode_imports(std::string_view bytes, file_imports& out);
[[nodiscard]] bool decode_docstrings(std::string_view bytes, file_docstrings& out);
[[nodiscard]] bool decode_todos(std::string_view bytes, file_todos& out);
[[nodiscard]] bool decode_security(std::string_view bytes, file_security& out);
[[nodiscard]] bool decode_naming(std::string_view bytes, file_naming& out);

} // namespace troupe::actors
