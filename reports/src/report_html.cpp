// report.html: one self-contained page (inline CSS and SVG, no scripts, no
// network) with charts of hotspots, import-cycle sizes and the score
// distribution, and the main tables of report.md.
#include <algorithm>
#include <cstdio>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "troupe/reports/findings.hpp"
#include "troupe/reports/internal/report_sections.hpp"
#include "troupe/reports/reports.hpp"

namespace troupe {

namespace {

using detail::human_number;
using detail::human_seconds;
using detail::root_placeholder;
using detail::text_of;

using nlohmann::json;

/// Most rows of any table (the full lists are in report.json).
constexpr std::size_t summary_rows = 50;

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

/// A horizontal bar chart: one labelled bar per (label, value).
void bar_chart(std::ostream& out, const std::string& title,
               const std::vector<std::pair<std::string, double>>& bars) {
  out << "<figure><figcaption>" << escape(title) << "</figcaption>\n";
  if (bars.empty()) {
    out << "<p>None.</p></figure>\n";
    return;
  }
  constexpr int label_w = 330, bar_w = 380, row_h = 20;
  double max = 0;
  for (const auto& b : bars)
    max = std::max(max, b.second);
  if (max <= 0)
    max = 1;
  auto height = static_cast<int>(bars.size()) * row_h + 6;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 "
      << label_w + bar_w + 70 << ' ' << height << "\" width=\"" << label_w + bar_w + 70
      << "\" height=\"" << height << "\">\n";
  int y = 3;
  for (const auto& [label, value] : bars) {
    auto w = static_cast<int>(value / max * bar_w);
    auto shown = label.size() > 48 ? "..." + label.substr(label.size() - 45) : label;
    out << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 14
        << "\" text-anchor=\"end\" class=\"l\">" << escape(shown) << "</text>"
        << "<rect x=\"" << label_w << "\" y=\"" << y + 2 << "\" width=\"" << std::max(w, 1)
        << "\" height=\"" << row_h - 5 << "\" class=\"b\"><title>" << escape(label) << ": "
        << human_number(value) << "</title></rect>"
        << "<text x=\"" << label_w + std::max(w, 1) + 4 << "\" y=\"" << y + 14
        << "\" class=\"v\">" << human_number(value) << "</text>\n";
    y += row_h;
  }
  out << "</svg></figure>\n";
}

/// A vertical histogram with one column per bin.
void histogram(std::ostream& out, const std::string& title,
               const std::vector<std::pair<std::string, double>>& bins) {
  constexpr int col_w = 56, chart_h = 160;
  double max = 1;
  for (const auto& b : bins)
    max = std::max(max, b.second);
  out << "<figure><figcaption>" << escape(title) << "</figcaption>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 "
      << static_cast<int>(bins.size()) * col_w + 10 << ' ' << chart_h + 40 << "\" width=\""
      << static_cast<int>(bins.size()) * col_w + 10 << "\" height=\"" << chart_h + 40 << "\">\n";
  int x = 5;
  for (const auto& [label, value] : bins) {
    auto h = static_cast<int>(value / max * chart_h);
    out << "<rect x=\"" << x + 4 << "\" y=\"" << chart_h - h + 14 << "\" width=\"" << col_w - 8
        << "\" height=\"" << h << "\" class=\"b\"><title>" << escape(label) << ": "
        << human_number(value) << "</title></rect>"
        << "<text x=\"" << x + col_w / 2 << "\" y=\"" << chart_h - h + 10
        << "\" text-anchor=\"middle\" class=\"v\">" << human_number(value) << "</text>"
        << "<text x=\"" << x + col_w / 2 << "\" y=\"" << chart_h + 30
        << "\" text-anchor=\"middle\" class=\"l\">" << escape(label) << "</text>\n";
    x += col_w;
  }
  out << "</svg></figure>\n";
}

void table(std::ostream& out, const json& rows, const std::vector<std::string>& keys,
           std::size_t limit, std::size_t total = 0) {
  if (rows.empty()) {
    out << "<p>None.</p>\n";
    return;
  }
  out << "<table><tr>";
  for (const auto& k : keys)
    out << "<th>" << escape(k) << "</th>";
  out << "</tr>\n";
  std::size_t n = 0;
  for (const auto& row : rows) {
    if (n++ == limit)
      break;
    out << "<tr>";
    for (const auto& k : keys)
      out << "<td>" << (row.contains(k) ? escape(text_of(row[k])) : std::string{}) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n";
  total = std::max(total, rows.size());
  if (total > limit)
    out << "<p>" << total - limit << " more in report.json.</p>\n";
}

constexpr const char* style = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d232a;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #d6dde3}
table{border-collapse:collapse;margin:.5em 0;font-size:13px;max-width:100%}
td,th{border:1px solid #d6dde3;padding:3px 7px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
svg{max-width:100%;height:auto}.sev-high{color:#a33;font-weight:600}.sev-medium{color:#a60}
.summary td{font-size:15px}.cards{display:flex;flex-wrap:wrap;gap:1em}
th{background:#eef2f5}figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:.3em}
.b{fill:#3b7dd8}.l{font-size:12px;fill:#1d232a}.v{font-size:11px;fill:#4a5560}
.score{font-size:2.4em;font-weight:700}.warn{color:#a33}
)";

} // namespace

namespace detail {

void write_html_head(std::ostream& out, const report_head& head) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<title>troupe report: " << escape(head.root) << "</title><style>" << style
      << "</style></head><body>\n<h1>troupe report: " << escape(head.root) << "</h1>\n";
  if (head.cancelled)
    out << "<p class=\"warn\"><strong>Incomplete: the run was interrupted.</strong></p>\n";
  out << "<section id=\"summary\"><h2>Summary</h2>\n<p><span class=\"score\">"
      << human_number(head.score) << "</span> of 100</p>\n<table class=\"summary\">"
      << "<tr><th>findings</th><td><span class=\"sev-high\">"
      << human_number(static_cast<double>(head.findings[3])) << " high</span>, "
      << "<span class=\"sev-medium\">" << human_number(static_cast<double>(head.findings[2]))
      << " medium</span>, " << human_number(static_cast<double>(head.findings[1])) << " low, "
      << human_number(static_cast<double>(head.findings[0])) << " info</td></tr>"
      << "<tr><th>files</th><td>" << escape(text_of(head.run["files"])) << "</td></tr>"
      << "<tr><th>time</th><td>" << human_seconds(head.run.value("wall_seconds", 0.0))
      << "</td></tr><tr><th>cache</th><td>" << escape(head.cache)
      << "</td></tr></table>\n</section>\n";
}

void write_html_tail(std::ostream& out, const report_head& head) {
  out << "<section id=\"run\"><h2>Run</h2>\n<table>";
  for (const auto& [label, text] : run_rows(head))
    out << "<tr><th>" << label << "</th><td>" << escape(text) << "</td></tr>";
  out << "</table>\n</section>\n<section id=\"agents\"><h2>Agents</h2>\n";
  table(out, head.agents, agent_columns(), head.agents.size());
  out << "</section>\n</body></html>\n";
}

void write_html_body(std::ostream& out, const analysis_result& r) {
  auto s = detail::corpus_summary(r, summary_rows);
  const auto& modules = s["modules"];
  const auto& files = r.corpus.files;

  std::vector<const corpus::module_score*> worst;
  for (const auto& m : r.corpus_results.scores.modules)
    worst.push_back(&m);
  std::stable_sort(worst.begin(), worst.end(),
                   [](const auto* a, const auto* b) { return a->score < b->score; });
  out << "<section id=\"worst-modules\"><h2>Worst modules</h2>\n";
  if (worst.empty()) {
    out << "<p>None.</p>\n";
  } else {
    out << "<table><tr><th>module</th><th>score</th><th>complexity</th><th>documentation</th>"
           "<th>typing</th><th>findings</th></tr>\n";
    for (std::size_t i = 0; i < worst.size() && i < 15; ++i) {
      const auto& m = *worst[i];
      const auto& f = files[m.file];
      out << "<tr><td><a href=\"" << root_placeholder << escape(f.path) << "\">"
          << escape(f.module.empty() ? f.path : f.module) << "</a></td><td>"
          << human_number(m.score) << "</td><td>" << human_number(m.complexity) << "</td><td>"
          << human_number(m.documentation) << "</td><td>" << human_number(m.typing)
          << "</td><td>" << human_number(m.findings) << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  out << "</section>\n";

  auto findings = collect_findings(r);
  auto counts = count_findings(findings);
  out << "<section id=\"findings\"><h2>Findings (" << human_number(static_cast<double>(findings.size()))
      << ")</h2>\n";
  bar_chart(out, "Findings by severity",
            {{"high", static_cast<double>(counts.by_severity[3])},
             {"medium", static_cast<double>(counts.by_severity[2])},
             {"low", static_cast<double>(counts.by_severity[1])},
             {"info", static_cast<double>(counts.by_severity[0])}});
  std::vector<std::pair<std::string, double>> by_code;
  for (const auto& [code, n] : counts.by_code)
    if (by_code.size() < 20)
      by_code.emplace_back(code, static_cast<double>(n));
  bar_chart(out, "Findings by code (codes: docs/agents.md)", by_code);
  if (!findings.empty()) {
    out << "<table class=\"findings\"><tr><th>severity</th><th>code</th><th>where</th>"
           "<th>message</th></tr>\n";
    std::size_t shown = 0;
    for (const auto& f : findings) {
      if (shown++ == 100)
        break;
      out << "<tr><td class=\"sev-" << to_string(f.level) << "\">" << to_string(f.level)
          << "</td><td>" << escape(f.code) << "</td><td><a href=\"" << root_placeholder
          << escape(f.path) << "#L" << f.line << "\">" << escape(f.path) << ':' << f.line
          << "</a></td><td>" << escape(f.message) << "</td></tr>\n";
    }
    out << "</table>\n";
    if (findings.size() > 100)
      out << "<p>" << human_number(static_cast<double>(findings.size() - 100))
          << " more: <code>troupe run --format text</code> or <code>--format sarif</code>.</p>\n";
  }
  out << "</section>\n";

  out << "<h2>Quality score</h2>\n<p><span class=\"score\">"
      << text_of(s["scores"]["overall"])
      << "</span> of 100 (weights: complexity 0.35, documentation 0.25, typing 0.15, findings "
         "0.25)</p>\n";
  std::vector<std::pair<std::string, double>> bins;
  for (int d = 0; d < 10; ++d)
    bins.emplace_back(std::to_string(d * 10) + "-" + std::to_string(d == 9 ? 100 : d * 10 + 9),
                      s["scores"]["histogram"][static_cast<std::size_t>(d)].get<double>());
  histogram(out, "Modules by quality score", bins);

  out << "<h2>Hotspots</h2>\n";
  std::vector<std::pair<std::string, double>> hot;
  for (const auto& h : modules["hotspots"]) {
    if (hot.size() == 15)
      break;
    hot.emplace_back(h["path"].get<std::string>() + ":" + h["qualname"].get<std::string>(),
                     h["score"].get<double>());
  }
  bar_chart(out, "Functions by complexity x lines (top 15)", hot);
  table(out, modules["hotspots"], {"path", "qualname", "line", "complexity", "lines", "score"}, 20);

  out << "<h2>Import cycles</h2>\n";
  std::vector<std::pair<std::string, double>> cycles;
  for (const auto& c : modules["cycles"]) {
    if (cycles.size() == 15)
      break;
    auto label = c[0].get<std::string>() + (c.size() > 1 ? " + " + std::to_string(c.size() - 1) : "");
    cycles.emplace_back(label, static_cast<double>(c.size()));
  }
  const auto& res = r.corpus_results;
  bar_chart(out, std::to_string(res.import_cycles.cycles.size()) + " cycles, modules per cycle",
            cycles);

  const auto& tc = modules["type_coverage"];
  out << "<h2>Type coverage</h2>\n<p>" << tc["annotated_params"] << " of " << tc["params"]
      << " parameters and " << tc["annotated_returns"] << " of " << tc["returns"]
      << " returns annotated (" << text_of(tc["coverage"]) << ").</p>\n";

  json unused = json::array();
  for (const auto& f : res.unused_imports.items) {
    if (unused.size() == summary_rows)
      break;
    unused.push_back({{"path", r.corpus.files[f.file].path}, {"line", f.line}, {"name", f.name}});
  }
  out << "<h2>Unused imports (" << res.unused_imports.items.size() << ")</h2>\n";
  table(out, unused, {"path", "line", "name"}, 30, res.unused_imports.items.size());

  out << "<h2>Dead code (" << res.dead_code.items.size() << ")</h2>\n";
  table(out, modules["dead_code"], {"path", "kind", "qualname", "line"}, 30,
        res.dead_code.items.size());

  const auto& deps = modules["deps"];
  out << "<h2>Third-party dependencies</h2>\n<p>Lookup status: " << escape(text_of(deps["status"]))
      << (deps["reason"].get<std::string>().empty()
            ? std::string{}
            : " (" + escape(deps["reason"].get<std::string>()) + ")")
      << "</p>\n";
  table(out, deps["items"], {"import", "project", "files", "status", "version", "summary"}, 50);

  out << "<h2>Suggestions</h2>\n";
  table(out, s["suggestions"], {"kind", "path", "line", "target", "reason", "priority"}, 40,
        res.suggestions.items.size());

  out << "<h2>Generated files</h2>\n<p>" << res.generated_tests.files.size()
      << " pytest skeletons and " << res.generated_docs.files.size()
      << " API reference pages under generated/.</p>\n";
}

} // namespace detail

void write_report_html(std::ostream& out, const analysis_result& r,
                       const analysis_options& options) {
  auto head = detail::make_report_head(r, options);
  detail::write_html_head(out, head);
  std::ostringstream body;
  detail::write_html_body(body, r);
  detail::write_body(out, body.str(), r.tree.root);
  detail::write_html_tail(out, head);
}

} // namespace troupe
