#include "internal/report_sections.hpp"

#include <algorithm>
#include <cmath>

namespace troupe::detail {

namespace {

using nlohmann::json;

/// Rounds to `digits` decimals so reports stay readable and stable.
double rounded(double value, int digits = 3) {
  double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

json function_ref_json(const corpus::corpus& c, const corpus::function_ref& ref) {
  const auto& f = c.files[ref.file];
  const auto& fn = f.symbols.functions[ref.function];
  return {{"path", f.path}, {"module", f.module}, {"qualname", fn.qualname}, {"line", fn.line}};
}

json import_graph_json(const corpus::corpus& c, const corpus::corpus_results& r) {
  const auto& g = r.import_graph;
  json edges = json::array();
  for (const auto& e : g.edges)
    edges.push_back({c.files[e.from].module, c.files[e.to].module, e.line});
  // The modules most imported, as a quick view of the core of the corpus.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < g.fan_in.size(); ++i)
    if (g.fan_in[i] > 0)
      order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return g.fan_in[a] != g.fan_in[b] ? g.fan_in[a] > g.fan_in[b]
                                      : c.files[a].module < c.files[b].module;
  });
  if (order.size() > 20)
    order.resize(20);
  json top = json::array();
  for (auto i : order)
    top.push_back({{"module", c.files[i].module}, {"fan_in", g.fan_in[i]}, {"fan_out", g.fan_out[i]}});
  return {{"modules", c.files.size()},
          {"edges", edges},
          {"resolved_imports", g.resolved},
          {"unresolved_relative", g.unresolved_relative},
          {"external", g.external},
          {"most_imported", top}};
}

} // namespace

json corpus_sections(const analysis_result& r) {
  const auto& c = r.corpus;
  const auto& res = r.corpus_results;
  json modules;
  modules["import_graph"] = import_graph_json(c, res);
  json cycles = json::array();
  for (const auto& cycle : res.import_cycles.cycles) {
    json members = json::array();
    for (auto i : cycle)
      members.push_back(c.files[i].module);
    cycles.push_back(members);
  }
  modules["cycles"] = cycles;
  json dead = json::array();
  for (const auto& d : res.dead_code.items)
    dead.push_back({{"path", c.files[d.file].path},
                    {"kind", d.kind},
                    {"qualname", d.qualname},
                    {"line", d.line}});
  modules["dead_code"] = dead;
  json dups = json::array();
  for (const auto& g : res.duplicates.groups) {
    json fns = json::array();
    for (const auto& f : g.functions)
      fns.push_back(function_ref_json(c, f));
    dups.push_back({{"lines", g.lines}, {"functions", fns}});
  }
  modules["duplicates"] = dups;
  json hot = json::array();
  for (const auto& h : res.hotspots.items) {
    auto j = function_ref_json(c, h.function);
    j["complexity"] = h.complexity;
    j["lines"] = h.lines;
    j["score"] = rounded(h.score);
    hot.push_back(j);
  }
  modules["hotspots"] = hot;
  json api = json::array();
  for (const auto& m : res.api_surface.modules) {
    json entries = json::array();
    for (const auto& e : m.entries)
      entries.push_back({{"kind", e.kind},
                         {"name", e.name},
                         {"signature", e.signature},
                         {"line", e.line},
                         {"documented", e.documented}});
    api.push_back(
      {{"module", c.files[m.file].module}, {"path", c.files[m.file].path}, {"entries", entries}});
  }
  modules["api_surface"] = api;
  const auto& tc = res.type_coverage.total;
  modules["type_coverage"] = {{"params", tc.params},
                              {"annotated_params", tc.annotated_params},
                              {"returns", tc.returns},
                              {"annotated_returns", tc.annotated_returns},
                              {"coverage", rounded(tc.coverage(), 4)}};
  const auto& deps = res.deps;
  json items = json::array();
  for (const auto& d : deps.items) {
    json j{{"import", d.import_name}, {"project", d.project}, {"files", d.files}};
    if (!d.status.empty()) {
      j["status"] = d.status;
      j["attempts"] = d.attempts;
      j["latency_ms"] = rounded(d.latency_ms);
    }
    if (!d.version.empty())
      j["version"] = d.version;
    if (!d.summary.empty())
      j["summary"] = d.summary;
    if (!d.error.empty())
      j["error"] = d.error;
    items.push_back(j);
  }
  modules["deps"] = {{"status", deps.status},
                     {"reason", deps.reason},
                     {"seconds", rounded(deps.seconds)},
                     {"connections_opened", deps.connections_opened},
                     {"connections_reused", deps.connections_reused},
                     {"items", items}};
  json out;
  out["modules"] = modules;
  json tests = json::array(), docs = json::array();
  for (const auto& g : res.generated_tests.files)
    tests.push_back(g.path);
  for (const auto& g : res.generated_docs.files)
    docs.push_back(g.path);
  out["generated"] = {{"tests", tests}, {"docs", docs}};
  json suggestions = json::array();
  for (const auto& s : res.suggestions.items)
    suggestions.push_back({{"kind", s.kind},
                           {"path", c.files[s.file].path},
                           {"line", s.line},
                           {"target", s.target},
                           {"reason", s.reason},
                           {"priority", rounded(s.priority)}});
  out["suggestions"] = suggestions;
  json per_module = json::array();
  for (const auto& m : res.scores.modules)
    per_module.push_back({{"module", c.files[m.file].module},
                          {"path", c.files[m.file].path},
                          {"score", rounded(m.score, 1)},
                          {"complexity", rounded(m.complexity, 1)},
                          {"documentation", rounded(m.documentation, 1)},
                          {"typing", rounded(m.typing, 1)},
                          {"findings", rounded(m.findings, 1)}});
  out["scores"] = {{"overall", rounded(res.scores.overall, 1)},
                   {"histogram", res.scores.histogram},
                   {"weights",
                    {{"complexity", 0.35}, {"documentation", 0.25}, {"typing", 0.15},
                     {"findings", 0.25}}},
                   {"modules", per_module}};
  return out;
}

} // namespace troupe::detail
