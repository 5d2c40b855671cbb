#include "troupe/reports/internal/report_sections.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>
#include <vector>

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

/// Writes into report.json through a json_writer: every value goes out as
/// it is produced, no DOM.
class stream_sink {
public:
  explicit stream_sink(json_writer& w) : w_(w) {
  }
  stream_sink& begin_object(std::string_view key = {}) {
    w_.begin_object(key);
    return *this;
  }
  stream_sink& end_object() {
    w_.end_object();
    return *this;
  }
  stream_sink& begin_array(std::string_view key = {}) {
    w_.begin_array(key);
    return *this;
  }
  stream_sink& end_array() {
    w_.end_array();
    return *this;
  }
  template <class T>
  stream_sink& value(std::string_view key, const T& v) {
    if constexpr (std::is_same_v<T, bool>)
      w_.value(key, v);
    else if constexpr (std::is_floating_point_v<T>)
      w_.value(key, static_cast<double>(v));
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
      w_.value(key, static_cast<std::int64_t>(v));
    else if constexpr (std::is_integral_v<T>)
      w_.value(key, static_cast<std::uint64_t>(v));
    else if constexpr (std::is_same_v<T, json>)
      w_.raw(key, json_text(v));
    else
      w_.value(key, std::string_view{v});
    return *this;
  }

private:
  json_writer& w_;
};

/// Builds the same values as a DOM, for report.md and report.html.
class dom_sink {
public:
  explicit dom_sink(json& root) {
    stack_.push_back(&root);
  }
  dom_sink& begin_object(std::string_view key = {}) {
    push(key, json::object());
    return *this;
  }
  dom_sink& end_object() {
    stack_.pop_back();
    return *this;
  }
  dom_sink& begin_array(std::string_view key = {}) {
    push(key, json::array());
    return *this;
  }
  dom_sink& end_array() {
    stack_.pop_back();
    return *this;
  }
  template <class T>
  dom_sink& value(std::string_view key, const T& v) {
    slot(key) = v;
    return *this;
  }

private:
  /// The place of the next value: a new element of an array, or the member
  /// `key` of an object. Only the innermost container is ever appended to,
  /// so the pointers on the stack stay valid.
  json& slot(std::string_view key) {
    auto& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(nullptr);
      return top.back();
    }
    return top[std::string{key}];
  }
  void push(std::string_view key, json v) {
    auto& place = slot(key);
    place = std::move(v);
    stack_.push_back(&place);
  }

  std::vector<json*> stack_;
};

/// The corpus sections, described once for both sinks: streamed in full
/// into report.json, or built as a small DOM for report.md / report.html
/// with at most `rows` elements per list (totals come from the results), so
/// the three reports never disagree.
template <class Sink>
class section_writer {
public:
  section_writer(Sink& w, std::size_t rows) : w_(w), rows_(rows) {
  }

  void write(const analysis_result& r);

private:
  /// A list member of the current object: `each(i)` writes element i.
  template <class Each>
  void list(const char* key, std::size_t n, Each&& each) {
    w_.begin_array(key);
    for (std::size_t i = 0; i < n && i < rows_; ++i)
      each(i);
    w_.end_array();
  }

  /// One function named by its file, module, qualname and line.
  void function_ref(const corpus::corpus& c, const corpus::function_ref& ref) {
    const auto& f = c.files[ref.file];
    const auto& fn = f.symbols->functions[ref.function];
    w_.value("path", f.path).value("module", f.module).value("qualname", fn.qualname)
      .value("line", fn.line);
  }

  Sink& w_;
  std::size_t rows_;
};

template <class Sink>
void section_writer<Sink>::write(const analysis_result& r) {
  const auto& c = r.corpus;
  const auto& res = r.corpus_results;
  auto& w = w_;
  w.begin_object("modules");

  const auto& g = res.import_graph;
  w.begin_object("import_graph").value("modules", c.files.size());
  list("edges", g.edges.size(), [&](std::size_t i) {
    const auto& e = g.edges[i];
    w.begin_array()
      .value({}, c.files[e.from].module)
      .value({}, c.files[e.to].module)
      .value({}, e.line)
      .end_array();
  });
  w.value("resolved_imports", g.resolved)
    .value("unresolved_relative", g.unresolved_relative)
    .value("external", json(g.external));
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
    w.begin_object()
      .value("module", c.files[f].module)
      .value("fan_in", g.fan_in[f])
      .value("fan_out", g.fan_out[f])
      .end_object();
  });
  w.end_object();

  const auto& cycles = res.import_cycles.cycles;
  list("cycles", cycles.size(), [&](std::size_t i) {
    w.begin_array();
    for (auto f : cycles[i])
      w.value({}, c.files[f].module);
    w.end_array();
  });
  const auto& dead = res.dead_code.items;
  list("dead_code", dead.size(), [&](std::size_t i) {
    const auto& d = dead[i];
    w.begin_object()
      .value("path", c.files[d.file].path)
      .value("kind", d.kind)
      .value("qualname", d.qualname)
      .value("line", d.line)
      .end_object();
  });
  const auto& dups = res.duplicates.groups;
  list("duplicates", dups.size(), [&](std::size_t i) {
    w.begin_object().value("lines", dups[i].lines).begin_array("functions");
    for (const auto& f : dups[i].functions) {
      w.begin_object();
      function_ref(c, f);
      w.end_object();
    }
    w.end_array().end_object();
  });
  const auto& hot = res.hotspots.items;
  list("hotspots", hot.size(), [&](std::size_t i) {
    w.begin_object();
    function_ref(c, hot[i].function);
    w.value("complexity", hot[i].complexity)
      .value("lines", hot[i].lines)
      .value("score", rounded(hot[i].score))
      .end_object();
  });
  const auto& api = res.api_surface.modules;
  list("api_surface", api.size(), [&](std::size_t i) {
    const auto& f = c.files[api[i].file];
    w.begin_object().value("module", f.module).value("path", f.path).begin_array("entries");
    // Signatures and docstrings are in the module's files[] entry (its
    // functions and classes by name and line): each figure once.
    for (const auto& e : api[i].entries)
      w.begin_object().value("kind", e.kind).value("name", e.name).value("line", e.line).end_object();
    w.end_array().end_object();
  });
  const auto& tc = res.type_coverage.total;
  w.begin_object("type_coverage")
    .value("params", tc.params)
    .value("annotated_params", tc.annotated_params)
    .value("returns", tc.returns)
    .value("annotated_returns", tc.annotated_returns)
    .value("coverage", rounded(tc.coverage(), 4))
    .end_object();
  const auto& deps = res.deps;
  w.begin_object("deps")
    .value("status", deps.status)
    .value("reason", deps.reason)
    .value("seconds", rounded(deps.seconds))
    .value("connections_opened", deps.connections_opened)
    .value("connections_reused", deps.connections_reused);
  list("items", deps.items.size(), [&](std::size_t i) {
    const auto& d = deps.items[i];
    w.begin_object()
      .value("import", d.import_name)
      .value("project", d.project)
      .value("files", d.files);
    if (!d.status.empty())
      w.value("status", d.status)
        .value("attempts", d.attempts)
        .value("latency_ms", rounded(d.latency_ms));
    if (!d.version.empty())
      w.value("version", d.version);
    if (!d.summary.empty())
      w.value("summary", d.summary);
    if (!d.error.empty())
      w.value("error", d.error);
    w.end_object();
  });
  w.end_object(); // deps
  w.end_object(); // modules

  w.begin_object("generated");
  const auto& tests = res.generated_tests.files;
  list("tests", tests.size(), [&](std::size_t i) { w.value({}, tests[i].path); });
  const auto& docs = res.generated_docs.files;
  list("docs", docs.size(), [&](std::size_t i) { w.value({}, docs[i].path); });
  w.end_object();

  const auto& sug = res.suggestions.items;
  list("suggestions", sug.size(), [&](std::size_t i) {
    const auto& s = sug[i];
    w.begin_object()
      .value("kind", s.kind)
      .value("path", c.files[s.file].path)
      .value("line", s.line)
      .value("target", s.target)
      .value("reason", s.reason)
      .value("priority", rounded(s.priority))
      .end_object();
  });

  const auto& sc = res.scores;
  w.begin_object("scores").value("overall", rounded(sc.overall, 1)).begin_array("histogram");
  for (auto n : sc.histogram)
    w.value({}, n);
  w.end_array()
    .begin_object("weights")
    .value("complexity", 0.35)
    .value("documentation", 0.25)
    .value("typing", 0.15)
    .value("findings", 0.25)
    .end_object();
  list("modules", sc.modules.size(), [&](std::size_t i) {
    const auto& m = sc.modules[i];
    w.begin_object()
      .value("module", c.files[m.file].module)
      .value("path", c.files[m.file].path)
      .value("score", rounded(m.score, 1))
      .value("complexity", rounded(m.complexity, 1))
      .value("documentation", rounded(m.documentation, 1))
      .value("typing", rounded(m.typing, 1))
      .value("findings", rounded(m.findings, 1))
      .end_object();
  });
  w.end_object();
}

} // namespace

json corpus_summary(const analysis_result& r, std::size_t rows) {
  json root = json::object();
  dom_sink sink{root};
  section_writer<dom_sink>{sink, rows}.write(r);
  return root;
}

void write_corpus_sections(actors::json_writer& w, const analysis_result& r) {
  stream_sink sink{w};
  section_writer<stream_sink>{sink, std::numeric_limits<std::size_t>::max()}.write(r);
}

} // namespace troupe::detail
