// File: how the built-in metric and rule-checking records appear in a file's
// object of report.json (DESIGN.md, "Contracts"). Each writer adds one or two
// members:
//   "size":       {total, code, comment, blank, docstring}
//   "complexity": [{qualname, line, complexity, mccabe_key}] for every def;
//                 mccabe_key is "" when mccabe keeps no graph of its own
//   "complexity_blocks": [{key, line, complexity}], mccabe's module- and
//                 class-level if/loop/try graphs
//   "imports":    [{module, names[], aliases[], alias, line, level,
//                 from_import, conditional, in_function}]; aliases[i] is the
//                 `as` name of names[i] ("" for none), alias the one of
//                 `import m as alias`
//   "docstrings": {module, documented, total, coverage}
//   "todos":      [{line, tag, text}]
//   "security":   [{rule, line, name, severity, confidence}], rule a bandit
//                 test id, name the call's resolved name or the
//                 password-like name
//   "naming":     [{rule, line, name}], rule a pep8-naming code
#pragma once

#include "troupe/actors/file/complexity.hpp"
#include "troupe/actors/file/docstrings.hpp"
#include "troupe/actors/file/imports.hpp"
#include "troupe/actors/file/naming.hpp"
#include "troupe/actors/file/security.hpp"
#include "troupe/actors/file/size_metrics.hpp"
#include "troupe/actors/file/todos.hpp"
#include "troupe/actors/json_writer.hpp"

namespace troupe::actors::detail {

/// Writes the record's members into the enclosing (file) object.
void write_members(const size_metrics& record, json_writer& out);
void write_members(const file_complexity& record, json_writer& out);
void write_members(const file_imports& record, json_writer& out);
void write_members(const file_docstrings& record, json_writer& out);
void write_members(const file_todos& record, json_writer& out);
void write_members(const file_security& record, json_writer& out);
void write_members(const file_naming& record, json_writer& out);

} // namespace troupe::actors::detail
