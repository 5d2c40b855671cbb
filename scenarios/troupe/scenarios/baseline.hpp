// File: comparing a bench run with a saved one (`--baseline FILE`): which
// figures regressed, with the rule that only an interval lying wholly
// beyond the threshold counts.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "troupe/base/expected.hpp"
#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// How a figure moved against the baseline.
enum class change_kind {
  /// The interval of now/before lies within the threshold or straddles it.
  unchanged,
  /// The whole interval lies beyond the threshold on the worse side.
  regression,
  /// The whole interval lies beyond the threshold on the better side.
  improvement,
  /// One side has no figure (not run, failed, not measurable).
  not_compared,
};

/// The stable name of a change kind ("regression", ...).
const char* to_string(change_kind kind) noexcept;

/// One figure of one scenario, before and now.
struct figure_change {
  std::string scenario;
  /// "speedup" (candidate over baseline variant) or "time of VARIANT".
  std::string figure;
  /// Higher is better for a speedup, lower for a time.
  bool higher_is_better = true;
  double before = 0;
  double now = 0;
  /// now / before, and its 95% bootstrap interval (every sample set of
  /// both runs resampled).
  double ratio = 0;
  std::pair<double, double> ci95{0, 0};
  bool few_samples = false;
  change_kind kind = change_kind::not_compared;
  /// For not_compared: why.
  std::string note;
};

/// A whole run against a baseline.
struct baseline_comparison {
  /// The file the baseline came from.
  std::string path;
  /// The share a figure must move by, beyond its interval, to count.
  double threshold = 0.05;
  std::vector<figure_change> changes;
  /// Scenarios of the baseline this run did not measure.
  std::vector<std::string> missing;

  /// Whether any figure regressed.
  bool any_regression() const noexcept;
};

/// Classifies `ci95` of now/before: a regression only when the whole
/// interval lies beyond `threshold` on the worse side (below 1 - threshold
/// when higher is better, above 1 + threshold otherwise), an improvement
/// when it lies beyond it on the better side.
change_kind classify_change(std::pair<double, double> ci95, bool higher_is_better,
                            double threshold);

/// Reads a bench.json written by `troupe bench` (its scenarios, variants
/// and samples); the error names the file and what is wrong with it.
expected<std::vector<scenario_result>> load_bench_json(const std::string& path);

/// Compares each scenario measured in both: its speedup (the candidate over
/// the baseline variant, both resampled on both sides) and the candidate's
/// own time.
baseline_comparison compare_with_baseline(const std::vector<scenario_result>& now,
                                          const std::vector<scenario_result>& before,
                                          double threshold);

} // namespace troupe::scenarios
