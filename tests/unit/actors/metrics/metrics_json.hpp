// File: the JSON form of the metric records, as tests/tools/ast_metrics.py
// prints its reference values (shared by the tests and troupe_metrics_dump).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "troupe/actors/file/complexity.hpp"
#include "troupe/actors/file/docstrings.hpp"
#include "troupe/actors/file/imports.hpp"
#include "troupe/actors/file/size_metrics.hpp"
#include "troupe/actors/file/todos.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors::testing {

/// {total, code, comment, blank, docstring}.
nlohmann::json to_json(const size_metrics& size);

/// What mccabe's visitor keeps: [{key, line, column, complexity}] for the
/// functions and blocks with a graph of their own, in source order, a later
/// graph under the same key replacing an earlier one in its place (a dict).
nlohmann::json mccabe_graphs(const file_complexity& complexity);

/// [{qualname, line, complexity, mccabe_key}] for every def.
nlohmann::json function_complexities(const file_complexity& complexity);

/// [{module, alias, names: [[name, alias]], line, level, from_import,
/// conditional, in_function}].
nlohmann::json to_json(const file_imports& imports);

/// {module, classes: [[qualname, line, present]], functions: [...]}.
nlohmann::json to_json(const file_docstrings& docstrings);

/// [{line, tag, text}].
nlohmann::json to_json(const file_todos& todos);

/// Runs the agents named in `agents` (ast_metrics.py's names) over a parsed
/// file and returns {agent: record} in ast_metrics.py's form.
nlohmann::json analyse(const syntax_tree& tree, std::string_view utf8,
                       const std::vector<std::string>& agents);

} // namespace troupe::actors::testing
