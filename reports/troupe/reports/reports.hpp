// File: the reports of an analysis run: report.json (DESIGN.md
// "Contracts"), report.md and report.html, each written from the run's
// analysis_result. The run's `report` agent calls them through
// analysis_options::report (see troupe/commands/commands.hpp).
#pragma once

#include <ostream>

#include "troupe/analysis/analysis.hpp"

namespace troupe {

/// Writes the result as report.json (DESIGN.md "Contracts"), file by file.
void write_report_json(std::ostream& out, const analysis_result& result,
                       const analysis_options& options);

/// Writes a Markdown summary of the result (report.md): run, agents,
/// scores, hotspots, cycles, findings, dependencies, suggestions.
void write_report_markdown(std::ostream& out, const analysis_result& result,
                           const analysis_options& options);

/// Writes a self-contained HTML report (report.html): no network access,
/// inline CSS and SVG charts (hotspots, import-cycle sizes, score
/// distribution).
void write_report_html(std::ostream& out, const analysis_result& result,
                       const analysis_options& options);

} // namespace troupe
