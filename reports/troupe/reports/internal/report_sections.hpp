// File: the corpus-wide sections of a report (DESIGN.md "Contracts":
// modules, generated, suggestions, scores) as JSON values, shared by the
// report.json, report.md and report.html writers.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "troupe/actors/json_writer.hpp"
#include "troupe/analysis/analysis.hpp"

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

/// The version of report.json's layout (docs/report.schema.json); raised
/// when a member changes meaning or moves.
constexpr int report_schema_version = 2;

/// report.json's first members: `schema_version`, `tool` {name, version}
/// and `generated_at` (UTC, RFC 3339).
void write_report_preamble(actors::json_writer& w);

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
  /// The overall quality score and the findings per severity (index:
  /// troupe::severity), for the summary at the top.
  double score = 100;
  std::uint64_t findings[4] = {};
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

/// A report is written as head (title and summary), body (input-derived,
/// possibly from the run memo, with root_placeholder where the analysed
/// root's URI goes: write_body) and tail (run details and agents).
void write_markdown_head(std::ostream& out, const report_head& head);
void write_markdown_body(std::ostream& out, const analysis_result& r);
void write_markdown_tail(std::ostream& out, const report_head& head);
void write_html_head(std::ostream& out, const report_head& head);
void write_html_body(std::ostream& out, const analysis_result& r);
void write_html_tail(std::ostream& out, const report_head& head);

/// Stands in a body for the `file://` URI of the analysed root (a body
/// depends on the inputs only; the root may differ between runs).
constexpr std::string_view root_placeholder = "\x01root\x01";

/// Writes `body` with every root_placeholder replaced by the URI of `root`.
void write_body(std::ostream& out, std::string_view body, const std::string& root);

/// Numbers for people: `12,345`, `3.14`, `0.5 s`, `29.1 MiB`.
std::string human_number(double value);
std::string human_bytes(std::uint64_t bytes);
std::string human_seconds(double seconds);

} // namespace troupe::detail
