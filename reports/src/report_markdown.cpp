// report.md: the run and the corpus findings as Markdown tables, built from
// the same sections as report.json.
#include <algorithm>
#include <cstdio>
#include <ostream>
#include <sstream>
#include <string>

#include "troupe/reports/findings.hpp"
#include "troupe/reports/internal/report_sections.hpp"
#include "troupe/reports/reports.hpp"

namespace troupe {

namespace {

using nlohmann::json;
using detail::human_number;
using detail::human_seconds;
using detail::root_placeholder;
using detail::text_of;

/// Most rows of any table (the full lists are in report.json).
constexpr std::size_t summary_rows = 50;

/// Text for a Markdown table cell: pipes and line breaks escaped.
std::string cell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n' || ch == '\r')
      out += ' ';
    else
      out += ch;
  }
  return out;
}

std::string cell(const json& value) {
  return cell(detail::text_of(value));
}

/// A table of the first `limit` rows of `rows`, one column per key.
void table(std::ostream& out, const json& rows, const std::vector<std::string>& keys,
           std::size_t limit, std::size_t total = 0) {
  if (rows.empty()) {
    out << "None.\n\n";
    return;
  }
  out << '|';
  for (const auto& k : keys)
    out << ' ' << k << " |";
  out << "\n|";
  for (std::size_t i = 0; i < keys.size(); ++i)
    out << " --- |";
  out << '\n';
  std::size_t n = 0;
  for (const auto& row : rows) {
    if (n++ == limit)
      break;
    out << '|';
    for (const auto& k : keys)
      out << ' ' << (row.contains(k) ? cell(row[k]) : std::string{}) << " |";
    out << '\n';
  }
  total = std::max(total, rows.size());
  if (total > limit)
    out << "\n" << total - limit << " more in report.json.\n";
  out << '\n';
}

} // namespace

namespace detail {

void write_markdown_head(std::ostream& out, const report_head& head) {
  out << "# troupe report: " << cell(head.root) << "\n\n";
  if (head.cancelled)
    out << "**Incomplete: the run was interrupted.**\n\n";
  out << "## Summary\n\n| | |\n| --- | --- |\n"
      << "| quality score | **" << human_number(head.score) << "** of 100 |\n"
      << "| findings | " << human_number(static_cast<double>(head.findings[3])) << " high, "
      << human_number(static_cast<double>(head.findings[2])) << " medium, "
      << human_number(static_cast<double>(head.findings[1])) << " low, "
      << human_number(static_cast<double>(head.findings[0])) << " info |\n"
      << "| files | " << cell(text_of(head.run["files"])) << " |\n"
      << "| time | " << human_seconds(head.run.value("wall_seconds", 0.0)) << " |\n"
      << "| cache | " << cell(head.cache) << " |\n\n";
}

void write_markdown_tail(std::ostream& out, const report_head& head) {
  out << "\n## Run\n\n| run | |\n| --- | --- |\n";
  for (const auto& [label, text] : run_rows(head))
    out << "| " << label << " | " << cell(text) << " |\n";
  out << "\n## Agents\n\n";
  table(out, head.agents, agent_columns(), head.agents.size());
}

void write_markdown_body(std::ostream& out, const analysis_result& r) {
  auto s = detail::corpus_summary(r, summary_rows);
  const auto& modules = s["modules"];
  const auto& res = r.corpus_results;
  const auto& files = r.corpus.files;

  // The modules with the lowest scores.
  std::vector<const corpus::module_score*> worst;
  for (const auto& m : res.scores.modules)
    worst.push_back(&m);
  std::stable_sort(worst.begin(), worst.end(),
                   [](const auto* a, const auto* b) { return a->score < b->score; });
  out << "## Worst modules\n\n";
  if (worst.empty())
    out << "None.\n\n";
  else
    out << "| module | path | score | complexity | documentation | typing | findings |\n"
           "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (std::size_t i = 0; i < worst.size() && i < 15; ++i) {
    const auto& m = *worst[i];
    const auto& f = files[m.file];
    out << "| " << cell(f.module) << " | [" << cell(f.path) << "](" << root_placeholder
        << f.path << ") | " << human_number(m.score) << " | " << human_number(m.complexity)
        << " | " << human_number(m.documentation) << " | " << human_number(m.typing) << " | "
        << human_number(m.findings) << " |\n";
  }
  out << '\n';

  auto findings = collect_findings(r);
  auto counts = count_findings(findings);
  out << "## Findings\n\n" << human_number(static_cast<double>(findings.size()))
      << " findings: " << counts.by_severity[3] << " high, " << counts.by_severity[2]
      << " medium, " << counts.by_severity[1] << " low, " << counts.by_severity[0]
      << " info (codes: docs/agents.md). All of them: `troupe run --format text`.\n\n";
  if (!counts.by_code.empty()) {
    out << "| code | count |\n| --- | --- |\n";
    for (const auto& [code, n] : counts.by_code)
      out << "| " << cell(code) << " | " << human_number(static_cast<double>(n)) << " |\n";
    out << '\n';
    out << "| severity | code | where | message |\n| --- | --- | --- | --- |\n";
    std::size_t shown = 0;
    for (const auto& f : findings) {
      if (shown++ == 100)
        break;
      out << "| " << to_string(f.level) << " | " << cell(f.code) << " | [" << cell(f.path) << ':'
          << f.line << "](" << root_placeholder << f.path << "#L" << f.line << ") | "
          << cell(f.message) << " |\n";
    }
    if (findings.size() > 100)
      out << "\n" << human_number(static_cast<double>(findings.size() - 100))
          << " more: `troupe run --format text` or `--format sarif`.\n";
    out << '\n';
  }
  out << "## Quality score\n\nOverall **" << cell(s["scores"]["overall"])
      << "** of 100 (weights: complexity 0.35, documentation 0.25, typing 0.15, findings "
         "0.25).\n\n";
  out << "| score | modules |\n| --- | --- |\n";
  for (int d = 0; d < 10; ++d)
    out << "| " << d * 10 << "-" << (d == 9 ? 100 : d * 10 + 9) << " | "
        << s["scores"]["histogram"][static_cast<std::size_t>(d)] << " |\n";
  out << '\n';

  out << "## Hotspots (complexity x lines)\n\n";
  table(out, modules["hotspots"], {"path", "qualname", "line", "complexity", "lines", "score"}, 20,
        res.hotspots.items.size());

  out << "## Import cycles\n\n" << res.import_cycles.cycles.size() << " cycles.\n\n";
  json cycles = json::array();
  for (const auto& c : modules["cycles"]) {
    std::string members;
    for (std::size_t i = 0; i < c.size() && i < 8; ++i)
      members += (i ? ", " : "") + c[i].get<std::string>();
    if (c.size() > 8)
      members += ", ...";
    cycles.push_back({{"size", c.size()}, {"modules", members}});
  }
  table(out, cycles, {"size", "modules"}, 10, res.import_cycles.cycles.size());

  const auto& tc = modules["type_coverage"];
  out << "## Type coverage\n\n"
      << tc["annotated_params"] << " of " << tc["params"] << " parameters and "
      << tc["annotated_returns"] << " of " << tc["returns"] << " returns annotated ("
      << cell(tc["coverage"]) << ").\n\n";

  json unused = json::array();
  for (const auto& f : res.unused_imports.items) {
    if (unused.size() == summary_rows)
      break;
    unused.push_back({{"path", r.corpus.files[f.file].path}, {"line", f.line}, {"name", f.name}});
  }
  out << "## Unused imports\n\n" << res.unused_imports.items.size() << " found.\n\n";
  table(out, unused, {"path", "line", "name"}, 20, res.unused_imports.items.size());

  json dups = json::array();
  for (const auto& g : modules["duplicates"]) {
    std::string where;
    for (const auto& f : g["functions"])
      where += (where.empty() ? "" : ", ") + f["path"].get<std::string>() + ":"
               + f["qualname"].get<std::string>();
    dups.push_back({{"lines", g["lines"]}, {"copies", g["functions"].size()}, {"functions", where}});
  }
  out << "## Duplicated functions\n\n" << res.duplicates.groups.size() << " groups.\n\n";
  table(out, dups, {"lines", "copies", "functions"}, 10, res.duplicates.groups.size());

  out << "## Dead code\n\n" << res.dead_code.items.size()
      << " internal definitions never referenced.\n\n";
  table(out, modules["dead_code"], {"path", "kind", "qualname", "line"}, 20,
        res.dead_code.items.size());

  const auto& deps = modules["deps"];
  out << "## Third-party dependencies\n\nLookup status: " << cell(deps["status"]);
  if (!deps["reason"].get<std::string>().empty())
    out << " (" << cell(deps["reason"]) << ")";
  out << ".\n\n";
  table(out, deps["items"], {"import", "project", "files", "status", "version", "summary"}, 50);

  out << "## Suggestions\n\n";
  table(out, s["suggestions"], {"kind", "path", "line", "target", "reason", "priority"}, 30,
        res.suggestions.items.size());

  out << "## Generated files\n\n" << res.generated_tests.files.size()
      << " pytest skeletons and " << res.generated_docs.files.size()
      << " API reference pages under generated/.\n";
}

} // namespace detail

void write_report_markdown(std::ostream& out, const analysis_result& r,
                           const analysis_options& options) {
  auto head = detail::make_report_head(r, options);
  detail::write_markdown_head(out, head);
  std::string body;
  {
    std::ostringstream text;
    detail::write_markdown_body(text, r);
    body = text.str();
  }
  detail::write_body(out, body, r.tree.root);
  detail::write_markdown_tail(out, head);
}

} // namespace troupe
