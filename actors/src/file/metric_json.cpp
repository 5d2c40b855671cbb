#include "file/metric_json.hpp"

namespace troupe::actors::detail {

void write_members(const size_metrics& record, json_writer& out) {
  out.begin_object("size")
    .value("total", record.total)
    .value("code", record.code)
    .value("comment", record.comment)
    .value("blank", record.blank)
    .value("docstring", record.docstring)
    .end_object();
}

void write_members(const file_complexity& record, json_writer& out) {
  out.begin_array("complexity");
  for (const auto& f : record.functions)
    out.begin_object()
      .value("qualname", f.qualname)
      .value("line", f.line)
      .value("complexity", f.complexity)
      .value("mccabe_key", f.mccabe_key)
      .end_object();
  out.end_array().begin_array("complexity_blocks");
  for (const auto& b : record.blocks)
    out.begin_object()
      .value("key", b.mccabe_key)
      .value("line", b.line)
      .value("complexity", b.complexity)
      .end_object();
  out.end_array();
}

void write_members(const file_imports& record, json_writer& out) {
  out.begin_array("imports");
  for (const auto& r : record.imports) {
    out.begin_object().value("module", r.module).begin_array("names");
    for (const auto& n : r.names)
      out.value({}, n.name);
    out.end_array().begin_array("aliases");
    for (const auto& n : r.names)
      out.value({}, n.alias);
    out.end_array()
      .value("alias", r.alias)
      .value("line", r.line)
      .value("level", r.level)
      .value("from_import", r.from_import)
      .value("conditional", r.conditional)
      .value("in_function", r.in_function)
      .end_object();
  }
  out.end_array();
}

void write_members(const file_docstrings& record, json_writer& out) {
  out.begin_object("docstrings")
    .value("module", record.module.present)
    .value("documented", record.documented)
    .value("total", record.total)
    .value("coverage", record.coverage())
    .end_object();
}

void write_members(const file_todos& record, json_writer& out) {
  out.begin_array("todos");
  for (const auto& t : record.todos)
    out.begin_object()
      .value("line", t.line)
      .value("tag", t.tag)
      .value("text", t.text)
      .end_object();
  out.end_array();
}

void write_members(const file_security& record, json_writer& out) {
  out.begin_array("security");
  for (const auto& f : record.findings)
    out.begin_object()
      .value("rule", f.rule)
      .value("line", f.line)
      .value("name", f.name)
      .value("severity", f.severity)
      .value("confidence", f.confidence)
      .end_object();
  out.end_array();
}

void write_members(const file_naming& record, json_writer& out) {
  out.begin_array("naming");
  for (const auto& v : record.violations)
    out.begin_object()
      .value("rule", v.rule)
      .value("line", v.line)
      .value("name", v.name)
      .end_object();
  out.end_array();
}

} // namespace troupe::actors::detail
