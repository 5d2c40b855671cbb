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
  /// One line saying what a sample of this variant times (bench.md and
  /// bench.html list it next to the name).
  std::string what = {};
  /// At most this many timed samples (0: as many as the suite takes), for
  /// a slow peer; its interval is then marked when under 5.
  int max_samples = 0;
  /// Whether the variant gets the suite's untimed warm-up runs.
  bool warm_up = true;
  /// Non-empty when the variant cannot run on this machine (a peer that is
  /// not installed): the reason. It is then reported "not measurable here"
  /// and never run.
  std::string unavailable = {};
  /// Asked once before the scenario runs when `unavailable` is empty: the
  /// reason the variant cannot run here, or "" (a peer that must be probed
  /// by running it; cheap checks belong in `unavailable`).
  std::function<std::string()> probe = {};
};

struct scenario_result;

/// A scenario: the variants to compare and what was claimed for them.
struct scenario_spec {
  std::string name;
  /// One line for `troupe bench --help`.
  std::string summary;
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
  /// run next to an empty-cache one, or a peer tool); their speedups follow
  /// the verdict.
  std::vector<std::string> also_against = {};
  std::vector<variant_spec> variants;
  /// Non-empty when the whole scenario cannot run here (a helper program
  /// or peer missing): the reason, reported as "not measurable here".
  std::string unavailable = {};
  /// A figure-only scenario (no baseline variant): turns the measured
  /// samples and metrics into the verdict sentence.
  std::function<std::string(const scenario_result&)> summarise = {};
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
  /// Peak RSS of each timed sample, same order as samples_s.
  std::vector<double> rss_samples = {};
  /// Every timed sample's value of each metric.
  std::map<std::string, std::vector<double>> metric_samples = {};
  /// variant_spec::what.
  std::string what = {};
  /// Why it was not run (variant_spec::unavailable); empty when it ran.
  std::string unavailable = {};
};

/// A ratio of medians against the candidate with its bootstrap interval.
struct comparison {
  std::string variant;
  /// median(variant) / median(candidate): above 1, the candidate is faster.
  double speedup = 0;
  std::pair<double, double> ci95{0, 0};
  /// Whether either side had fewer than min_samples_for_interval samples.
  bool few_samples = false;
  /// Why it could not be measured (the variant did not run).
  std::string unavailable = {};
};

/// Everything measured for one scenario.
struct scenario_result {
  std::string name;
  std::string summary;
  std::string description;
  std::vector<variant_result> variants;
  std::string baseline;
  std::string candidate;
  /// median(baseline) / median(candidate), with a bootstrap 95% interval.
  double speedup = 0;
  std::pair<double, double> ci95{0, 0};
  /// Whether the interval comes from fewer than min_samples_for_interval
  /// samples on either side (indicative only).
  bool few_samples = false;
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
  /// The candidate against each of `also_against`.
  std::vector<comparison> also = {};
  /// One sentence comparing the measured figure with claim and requirement.
  std::string verdict;
  /// Non-empty when the scenario failed to run (a variant exited badly).
  std::string error;
  /// Non-empty when the scenario could not be measured here, and why.
  std::string unavailable = {};

  /// The variant with this name, or null.
  const variant_result* find(const std::string& variant) const noexcept;
  /// Whether the speedup was measured.
  bool measured() const noexcept {
    return error.empty() && unavailable.empty() && speedup > 0;
  }
};

} // namespace troupe::scenarios
