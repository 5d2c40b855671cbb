// File: a benchmark scenario as data: variants of a troupe command measured
// side by side, one of them the baseline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace troupe::scenarios {

/// Named figures a variant reports besides its time (e.g. cache hit latency).
using metric_map = std::map<std::string, double>;

/// One way of doing the scenario's work: a command run as a child process.
struct variant_spec {
  std::string name;
  /// The command (argv[0] is the program) whose wall time is a sample.
  std::vector<std::string> command;
  /// Run before each sample and not timed (e.g. to clear or warm a cache).
  std::vector<std::string> prepare;
  /// When set, a sample is the seconds the child prints on a stdout line
  /// `sample_s=X` (timed inside it, start-up excluded), not its wall time.
  bool inner_sample = false;
  /// When set, called after each timed sample with the child's stdout to
  /// collect named figures (from that text or from a file the child wrote);
  /// the variant's result holds the median of each over the samples.
  std::function<metric_map(const std::string& stdout_text)> metrics = {};
  /// Exit codes that count as success (a linter exits 1 when it finds
  /// something, which is its normal outcome on a real corpus).
  std::vector<int> accepted_exit_codes = {0};
};

/// A scenario: the variants to compare and what was claimed for them.
struct scenario_spec {
  std::string name;
  std::string description;
  /// Name of the variant the others are compared against.
  std::string baseline;
  /// Name of the variant whose speedup is reported.
  std::string candidate;
  /// The speedup the original report claimed, without measuring it.
  double seed_claim = 0;
  /// The speedup troupe's own issue requires on this machine (0: none).
  double required = 0;
  /// Units of work in one sample (e.g. tasks), to report time per unit (0: none).
  std::size_t work_units = 0;
  /// What a unit is, for reports ("task").
  std::string unit = "unit";
  /// Most microseconds per unit the issue allows the candidate (0: none).
  double max_unit_us = 0;
  /// Most median(candidate) / median(baseline) the issue allows (0: none);
  /// the verdict then states the candidate's cost as a share of the baseline.
  double max_cost_ratio = 0;
  /// Sentences printed with the figures: how to read them, what bounds them.
  std::vector<std::string> notes = {};
  /// Other variants the candidate is also compared with (e.g. an uncached
  /// run next to an empty-cache one); their speedups follow the verdict.
  std::vector<std::string> also_against = {};
  std::vector<variant_spec> variants;
};

/// Measured samples of one variant.
struct variant_result {
  std::string name;
  std::vector<double> samples_s;
  double median_s = 0;
  /// Largest peak RSS of the child process over the samples.
  std::uint64_t peak_rss_bytes = 0;
  /// Median over the timed samples of each figure `variant_spec::metrics` gave.
  metric_map metrics = {};
};

/// Everything measured for one scenario.
struct scenario_result {
  std::string name;
  std::string description;
  std::vector<variant_result> variants;
  std::string baseline;
  std::string candidate;
  /// median(baseline) / median(candidate), with a bootstrap 95% interval.
  double speedup = 0;
  std::pair<double, double> ci95{0, 0};
  double seed_claim = 0;
  double required = 0;
  /// Per-unit figures (see scenario_spec); zero when not reported.
  std::size_t work_units = 0;
  std::string unit;
  double max_unit_us = 0;
  double candidate_unit_us = 0;
  double baseline_unit_us = 0;
  /// See scenario_spec; zero when not required.
  double max_cost_ratio = 0;
  std::vector<std::string> notes = {};
  /// median(variant) / median(candidate) for each of `also_against`.
  std::vector<std::pair<std::string, double>> also_speedups = {};
  /// One sentence comparing the measured figure with claim and requirement.
  std::string verdict;
  /// Non-empty when the scenario could not be measured.
  std::string error;
};

} // namespace troupe::scenarios
