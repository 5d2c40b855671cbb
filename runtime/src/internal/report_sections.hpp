// File: the corpus-wide sections of a report (DESIGN.md "Contracts":
// modules, generated, suggestions, scores) as JSON values, shared by the
// report.json, report.md and report.html writers.
#pragma once

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

/// The `run` object of report.json.
nlohmann::json run_section(const analysis_result& r, const analysis_options& options);

/// The `agents` array of report.json: one row per agent with its status.
nlohmann::json agents_section(const analysis_result& r, const analysis_options& options);

} // namespace troupe::detail
