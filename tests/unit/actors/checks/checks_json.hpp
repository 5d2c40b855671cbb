// File: the JSON form of the `security` and `naming` records as
// tests/tools/compare_checks.py reads it (shared by the tests and
// troupe_checks_dump).
#pragma once

#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "troupe/actors/file/naming.hpp"
#include "troupe/actors/file/security.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors::testing {

/// [{rule, line, name, severity, confidence}].
nlohmann::json to_json(const file_security& security);

/// [{rule, line, name}].
nlohmann::json to_json(const file_naming& naming);

/// {security: [...], naming: [...], parse_errors} of one parsed file.
nlohmann::json analyse_checks(const syntax_tree& tree, std::string_view utf8);

/// Every `*.py` file below `root` (sorted, symlinks not followed), decoded
/// and parsed: {files: {relpath: analyse_checks}, undecoded: {relpath:
/// reason}}.
nlohmann::json dump_checks(const std::filesystem::path& root);

} // namespace troupe::actors::testing
