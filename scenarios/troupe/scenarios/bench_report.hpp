// File: what a bench run produced, and its three renderings: bench.json
// (DESIGN.md "Contracts"), bench.md for people, and a self-contained
// bench.html (no scripts, no network: inline CSS and SVG charts).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "troupe/scenarios/baseline.hpp"
#include "troupe/scenarios/claims.hpp"
#include "troupe/scenarios/machine_info.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// How the suite was run.
struct bench_settings {
  /// `--quick`: a smaller corpus and workloads, fewer samples.
  bool quick = false;
  /// Timed samples and untimed warm-ups per variant.
  int samples = 0;
  int warmups = 0;
  /// The tree analysed, and what the scenarios ran on (a quick run's sample
  /// of it).
  std::string corpus;
  std::string corpus_used;
  /// How corpus_used was drawn from corpus ("every 10th file"); empty when
  /// they are the same.
  std::string corpus_sample;
  /// Worker count of the parallel variants.
  unsigned workers = 0;
  /// UTC start (RFC 3339) and wall seconds of the whole suite.
  std::string started_at;
  double wall_seconds = 0;
};

/// Everything the reports show.
struct bench_report {
  machine_info machine;
  bench_settings settings;
  std::vector<scenario_result> results;
  std::vector<claim_row> claims;
  /// Set with `--baseline FILE`.
  std::optional<baseline_comparison> baseline;
};

/// bench.json: machine, settings, scenarios (variants with every sample),
/// claims and, with a baseline, the comparison.
std::string to_bench_json(const bench_report& report);

/// bench.md: the claims table, one line per scenario, what each variant
/// measures, the samples, notes and the baseline comparison.
std::string to_bench_markdown(const bench_report& report);

/// bench.html: speedup bars with interval whiskers, the claims table and
/// every variant's samples, in one file that needs nothing else.
std::string to_bench_html(const bench_report& report);

} // namespace troupe::scenarios
