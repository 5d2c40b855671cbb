// File: the findings of a run, one per reported problem, as editors, CI and
// code-scanning tools read them.
//
// A finding is what a reference tool would print as one line: bandit's
// security issues (B1xx-B6xx with bandit's severity), flake8's F401 unused
// imports, pep8-naming's N8xx, flake8-fixme's T100-T103 for FIXME, TODO,
// XXX and HACK comments, and troupe's own TR100 (a duplicated function
// body) and TR200 (an import cycle). docs/agents.md lists them.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/analysis/analysis.hpp"

namespace troupe {

/// How bad a finding is; `--fail-on` compares against it.
enum class severity : std::uint8_t { info, low, medium, high };

/// "info", "low", "medium" or "high".
const char* to_string(severity level) noexcept;

/// Reads a severity word (any case); nullopt when it is none.
std::optional<severity> parse_severity(std::string_view word) noexcept;

/// One reported problem.
struct finding {
  /// Path relative to the analysed root, '/'-separated.
  std::string path;
  /// 1-based line and column (column 1 where the agent records no column).
  std::uint32_t line = 0;
  std::uint32_t column = 1;
  /// The reference tool's code: `B602`, `F401`, `N802`, `T101`, `TR100`.
  std::string code;
  severity level = severity::low;
  /// One line, as the reference tool words it.
  std::string message;
};

/// Every finding of a run, worst first (severity, then path, line, code).
std::vector<finding> collect_findings(const analysis_result& result);

/// The findings as one text (a line each, fields tab-separated) for the
/// run memo, and back; false when the text is not such a list.
std::string encode_findings(const std::vector<finding>& findings);
[[nodiscard]] bool decode_findings(std::string_view text, std::vector<finding>& out);

/// `path:line:col: CODE message` lines, ordered by path and line, as
/// flake8 prints them.
void write_findings_text(std::ostream& out, const std::vector<finding>& findings);

/// A SARIF 2.1.0 log with one run: the rules met, the results with their
/// locations relative to `root` (the SRCROOT base), and the tool version.
void write_findings_sarif(std::ostream& out, const std::vector<finding>& findings,
                          const std::string& root, const std::string& tool_version);

/// Findings per severity (index: severity) and per code, most first.
struct finding_counts {
  std::uint64_t by_severity[4] = {};
  std::vector<std::pair<std::string, std::uint64_t>> by_code;
};

/// Counts the findings.
finding_counts count_findings(const std::vector<finding>& findings);

} // namespace troupe
