#include "internal/report_sections.hpp"

#include <algorithm>
#include <cmath>

#include "troupe/actors/json_writer.hpp"

namespace troupe::detail {

namespace {

using actors::json_writer;
using nlohmann::json;

/// Rounds to `digits` decimals so reports stay readable and stable.
double rounded(double value, int digits = 3) {
  double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

/// The corpus sections, written member by member into report.json, or
/// built as a small DOM for report.md / report.html: both go through this
/// one description, so the three reports never disagree. Every list is
/// written in full to report.json; the summary DOM keeps the first
/// `summary_rows` entries of each (totals come from the results).
class section_writer {
public:
  /// Streams into `w`.
  explicit section_writer(json_writer& w) : w_(&w) {
  }
  /// Builds a DOM of at most `rows` entries per list.
  explicit section_writer(std::size_t rows) : rows_(rows) {
  }

  void write(const analysis_result& r);
  json take() {
    return std::move(root_);
  }

private:
  // A list member of the current object: `each(i)` gives element i as a
  // small DOM.
  template <class Each>
  void list(const char* key, std::size_t n, Each&& each) {
    if (w_) {
      w_->begin_array(key);
      for (std::size_t i = 0; i < n; ++i)
        w_->raw({}, each(i).dump());
      w_->end_array();
      return;
    }
    json arr = json::array();
    for (std::size_t i = 0; i < n && i < rows_; ++i)
      arr.push_back(each(i));
    (*current_)[key] = std::move(arr);
  }

  void member(const char* key, const json& value) {
    if (w_)
      w_->raw(key, value.dump());
    else
      (*current_)[key] = value;
  }

  void open(const char* key) {
    if (w_) {
      w_->begin_object(key);
    } else {
      parents_.push_back(current_);
      current_ = &(*current_)[key];
      *current_ = json::object();
    }
  }

  void close() {
    if (w_) {
      w_->end_object();
    } else {
      current_ = parents_.back();
      parents_.pop_back();
    }
  }

  json_writer* w_ = nullptr;
  std::size_t rows_ = 0;
  json root_ = json::object();
  json* current_ = &root_;
  std::vector<json*> parents_;
};

json function_ref_json(const corpus::corpus& c, const corpus::function_ref& ref) {
  const auto& f = c.files[ref.file];
  const auto& fn = f.symbols.functions[ref.function];
  return {{"path", f.path}, {"module", f.module}, {"qualname", fn.qualname}, {"line", fn.line}};
}

void section_writer::write(const analysis_result& r) {
  const auto& c = r.corpus;
  const auto& res = r.corpus_results;
  open("modules");

  const auto& g = res.import_graph;
  open("import_graph");
  member("modules", c.files.size());
  list("edges", g.edges.size(), [&](std::size_t i) {
    const auto& e = g.edges[i];
    return json::array({c.files[e.from].module, c.files[e.to].module, e.line});
  });
  member("resolved_imports", g.resolved);
  member("unresolved_relative", g.unresolved_relative);
  member("external", g.external);
  // The modules most imported, as a quick view of the core of the corpus.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < g.fan_in.size(); ++i)
    if (g.fan_in[i] > 0)
      order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return g.fan_in[a] != g.fan_in[b] ? g.fan_in[a] > g.fan_in[b]
                                      : c.files[a].module < c.files[b].module;
  });
  list("most_imported", std::min<std::size_t>(order.size(), 20), [&](std::size_t i) {
    auto f = order[i];
    return json{{"module", c.files[f].module}, {"fan_in", g.fan_in[f]}, {"fan_out", g.fan_out[f]}};
  });
  close();

  const auto& cycles = res.import_cycles.cycles;
  list("cycles", cycles.size(), [&](std::size_t i) {
    json members = json::array();
    for (auto f : cycles[i])
      members.push_back(c.files[f].module);
    return members;
  });
  const auto& dead = res.dead_code.items;
  list("dead_code", dead.size(), [&](std::size_t i) {
    const auto& d = dead[i];
    return json{
      {"path", c.files[d.file].path}, {"kind", d.kind}, {"qualname", d.qualname}, {"line", d.line}};
  });
  const auto& dups = res.duplicates.groups;
  list("duplicates", dups.size(), [&](std::size_t i) {
    json fns = json::array();
    for (const auto& f : dups[i].functions)
      fns.push_back(function_ref_json(c, f));
    return json{{"lines", dups[i].lines}, {"functions", fns}};
  });
  const auto& hot = res.hotspots.items;
  list("hotspots", hot.size(), [&](std::size_t i) {
    auto j = function_ref_json(c, hot[i].function);
    j["complexity"] = hot[i].complexity;
    j["lines"] = hot[i].lines;
    j["score"] = rounded(hot[i].score);
    return j;
  });
  const auto& api = res.api_surface.modules;
  list("api_surface", api.size(), [&](std::size_t i) {
    json entries = json::array();
    for (const auto& e : api[i].entries)
      entries.push_back({{"kind", e.kind},
                         {"name", e.name},
                         {"signature", e.signature},
                         {"line", e.line},
                         {"documented", e.documented}});
    const auto& f = c.files[api[i].file];
    return json{{"module", f.module}, {"path", f.path}, {"entries", entries}};
  });
  const auto& tc = res.type_coverage.total;
  member("type_coverage", {{"params", tc.params},
                           {"annotated_params", tc.annotated_params},
                           {"returns", tc.returns},
                           {"annotated_returns", tc.annotated_returns},
                           {"coverage", rounded(tc.coverage(), 4)}});
  const auto& deps = res.deps;
  open("deps");
  member("status", deps.status);
  member("reason", deps.reason);
  member("seconds", rounded(deps.seconds));
  member("connections_opened", deps.connections_opened);
  member("connections_reused", deps.connections_reused);
  list("items", deps.items.size(), [&](std::size_t i) {
    const auto& d = deps.items[i];
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
    return j;
  });
  close();
  close(); // modules

  open("generated");
  const auto& tests = res.generated_tests.files;
  list("tests", tests.size(), [&](std::size_t i) { return json(tests[i].path); });
  const auto& docs = res.generated_docs.files;
  list("docs", docs.size(), [&](std::size_t i) { return json(docs[i].path); });
  close();

  const auto& sug = res.suggestions.items;
  list("suggestions", sug.size(), [&](std::size_t i) {
    const auto& s = sug[i];
    return json{{"kind", s.kind},          {"path", c.files[s.file].path},
                {"line", s.line},          {"target", s.target},
                {"reason", s.reason},      {"priority", rounded(s.priority)}};
  });

  const auto& sc = res.scores;
  open("scores");
  member("overall", rounded(sc.overall, 1));
  member("histogram", sc.histogram);
  member("weights", {{"complexity", 0.35}, {"documentation", 0.25}, {"typing", 0.15},
                     {"findings", 0.25}});
  list("modules", sc.modules.size(), [&](std::size_t i) {
    const auto& m = sc.modules[i];
    return json{{"module", c.files[m.file].module}, {"path", c.files[m.file].path},
                {"score", rounded(m.score, 1)},     {"complexity", rounded(m.complexity, 1)},
                {"documentation", rounded(m.documentation, 1)},
                {"typing", rounded(m.typing, 1)},   {"findings", rounded(m.findings, 1)}};
  });
  close();
}

} // namespace

json corpus_summary(const analysis_result& r, std::size_t rows) {
  section_writer s{rows};
  s.write(r);
  return s.take();
}

void write_corpus_sections(actors::json_writer& w, const analysis_result& r) {
  section_writer s{w};
  s.write(r);
}

} // namespace troupe::detail
