#include "internal/report_entry.hpp"

#include "troupe/actors/json_writer.hpp"
#include "troupe/actors/record_codecs.hpp"
#include "troupe/actors/symbols_agent.hpp"

namespace troupe::detail {

namespace {

/// Version of the entry text; bump when write_function, write_class or the
/// layout below changes.
constexpr std::string_view entry_format = "1";

void write_function(actors::json_writer& w, const actors::function_record& f,
                    const actors::function_complexity* complexity) {
  w.begin_object()
    .value("qualname", f.qualname)
    .value("name", f.name)
    .value("line", f.line)
    .value("end_line", f.end_line)
    .value("async", f.is_async)
    .value("method", f.is_method)
    .value("params", f.params)
    .value("annotated_params", f.annotated_params)
    .value("first_param_annotated", f.first_param_annotated)
    .value("returns_annotated", f.returns_annotated)
    .value("decorators", f.decorators)
    .value("docstring", f.has_docstring)
    .value("signature", f.signature);
  if (complexity)
    w.value("complexity", complexity->complexity);
  w.end_object();
}

void write_class(actors::json_writer& w, const actors::class_record& c) {
  w.begin_object()
    .value("qualname", c.qualname)
    .value("name", c.name)
    .value("line", c.line)
    .value("end_line", c.end_line)
    .value("bases", c.bases)
    .value("decorators", c.decorators)
    .value("docstring", c.has_docstring)
    .end_object();
}

} // namespace

std::string report_entry_version(const file_agent_list& agents) {
  std::string v{entry_format};
  v += " symbols:";
  v += actors::symbols_agent::version;
  for (const auto& a : agents) {
    const auto& d = a->descriptor();
    v += ' ';
    v += d.id;
    v += ':';
    v += std::to_string(d.version);
  }
  return v;
}

bool render_report_entry(const actors::file_symbols& symbols,
                         const std::vector<std::shared_ptr<const std::string>>& records,
                         const file_agent_list& agents, std::string& out) {
  bool ok = true;
  // The complexity record lists the same defs by line.
  actors::file_complexity complexity;
  for (std::size_t i = 0; i < agents.size() && i < records.size(); ++i)
    if (records[i] && agents[i]->descriptor().id == "complexity"
        && !actors::decode_complexity(*records[i], complexity)) {
      complexity = {};
      ok = false;
    }
  out.clear();
  actors::json_writer w{out};
  const auto& fc = complexity.functions;
  std::size_t next = 0;
  w.begin_object().begin_array("functions");
  for (const auto& fn : symbols.functions) {
    while (next < fc.size() && fc[next].line < fn.line)
      ++next;
    const actors::function_complexity* cx = nullptr;
    if (next < fc.size() && fc[next].line == fn.line && fc[next].qualname == fn.qualname)
      cx = &fc[next];
    write_function(w, fn, cx);
  }
  w.end_array().begin_array("classes");
  for (const auto& cl : symbols.classes)
    write_class(w, cl);
  w.end_array().end_object().newline().begin_object();
  for (std::size_t i = 0; i < agents.size() && i < records.size(); ++i) {
    if (records[i] && !agents[i]->write_json(*records[i], w)) {
      w.value(agents[i]->descriptor().id + "_error", "record does not decode");
      ok = false;
    }
  }
  w.end_object();
  w.flush();
  return ok;
}

bool split_report_entry(std::string_view entry, std::string_view& symbols_part,
                        std::string_view& records_part) {
  auto cut = entry.find('\n');
  if (cut == std::string_view::npos)
    return false;
  auto head = entry.substr(0, cut), tail = entry.substr(cut + 1);
  auto object = [](std::string_view s) {
    return s.size() >= 2 && s.front() == '{' && s.back() == '}';
  };
  if (!object(head) || !object(tail))
    return false;
  symbols_part = head;
  records_part = tail;
  return true;
}

} // namespace troupe::detail
