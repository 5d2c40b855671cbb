// File: the corpus-wide sections of a report (DESIGN.md "Contracts":
// modules, generated, suggestions, scores) as JSON values, shared by the
// report.json, report.md and report.html writers.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "troupe/actors/json_writer.hpp"
#include "troupe/runtime/analysis.hpp"

namespace troupe::detail {

/// {"modules": {...}, "generated": {...}, "suggestions": [...],
///  "scores": {...}} for the corpus results of `r`, every list cut to its
/// first `rows` entries (totals: see r.corpus_results), for report.md and
/// report.html.
nlohmann::json corpus_summary(const analysis_result& r, std::size_t rows);

/// The same members, every list in full, streamed into report.json's
/// top-level object.
void write_corpus_sections(actors::json_writer& w, const analysis_result& r);

/// report.json's members after `run` and `agents` (files, modules,
/// generated, suggestions, scores): everything that depends on the inputs
/// only.
void write_report_content(actors::json_writer& w, const analysis_result& r,
                          const analysis_options& options);

/// report.json from its parts: `content` is a rendered JSON object whose
/// members follow `run` and `agents` (see write_report_content).
void write_report_json(std::ostream& out, const nlohmann::json& run, const nlohmann::json& agents,
                       std::string_view content);

/// The `run` object of report.json.
nlohmann::json run_section(const analysis_result& r, const analysis_options& options);

/// The `agents` array of report.json: one row per agent with its status.
nlohmann::json agents_section(const analysis_result& r, const analysis_options& options);

/// The run-specific top of report.md and report.html (title, run table,
/// agents table): what differs between two runs of the same inputs. The
/// rest of each report (the body) depends on the inputs only, so a run
/// served from the run memo (internal/run_memo.hpp) writes a fresh head in
/// front of a stored body.
struct report_head {
  std::string root;
  bool cancelled = false;
  nlohmann::json run;
  nlohmann::json agents;
  std::size_t parsed_files = 0;
  std::size_t files_with_syntax_errors = 0;
  /// The text of the "cache" row.
  std::string cache;
};

report_head make_report_head(const analysis_result& r, const analysis_options& options);

/// The run table of a head as (label, text) rows, and the columns of its
/// agents table: one description for report.md and report.html.
std::vector<std::pair<std::string, std::string>> run_rows(const report_head& head);
const std::vector<std::string>& agent_columns();

/// A JSON value as table text: strings as they are, floats to 3
/// significant digits, null as nothing.
std::string text_of(const nlohmann::json& value);

/// `value` as compact JSON text that is always UTF-8: bytes that are not
/// (say, from a file name) become U+FFFD instead of an exception.
std::string json_text(const nlohmann::json& value);

void write_markdown_head(std::ostream& out, const report_head& head);
void write_markdown_body(std::ostream& out, const analysis_result& r);
void write_html_head(std::ostream& out, const report_head& head);
void write_html_body(std::ostream& out, const analysis_result& r);

} // namespace troupe::detail
