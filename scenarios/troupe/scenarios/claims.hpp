// File: the claims table: every figure the original performance report
// claimed without measuring, next to what this bench run measured for it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "troupe/scenarios/scenario.hpp"

namespace troupe::scenarios {

/// How a measured figure compares with its claim.
enum class claim_status {
  /// The whole 95% interval is on the claim's side.
  confirmed,
  /// The median is on the claim's side, the interval reaches past it.
  met_by_median,
  /// The median falls short of the claim.
  not_reached,
  /// Nothing here measures it; `verdict` says why.
  not_measurable,
};

/// The stable name of a claim status ("confirmed", ...).
const char* to_string(claim_status status) noexcept;

/// One claim and the figure this run measured for it.
struct claim_row {
  /// The claim as the original report made it ("8x AST parsing with caching").
  std::string claim;
  /// The claimed figure as text ("8x", "about 1 us", "90%").
  std::string claimed;
  /// The claimed figure as a number in `unit`, and whether more is better.
  double target = 0;
  bool higher_is_better = true;
  /// "x", "us", "ms", "%": how value and interval read.
  std::string unit;
  /// The measured figure (median) and its 95% bootstrap interval.
  double value = 0;
  std::pair<double, double> ci95{0, 0};
  /// The interval rests on fewer than 5 samples per side.
  bool few_samples = false;
  /// From a simulation driven by measured task durations, not from a
  /// measurement of that configuration.
  bool simulated = false;
  claim_status status = claim_status::not_measurable;
  /// The verdict as a sentence (for not_measurable: why).
  std::string verdict;
  /// Where the figure comes from ("hit_rate_90: changed_10pct vs cold").
  std::string source;
};

/// The claims table of a bench run, every claim in the original report's
/// order followed by the cluster scenarios; a claim whose scenario was not
/// run (or not measurable here) says so. `workers` is the worker count of
/// the parallel variants.
std::vector<claim_row> claims_table(const std::vector<scenario_result>& results,
                                    unsigned workers);

/// The verdict of a measured figure against its claim.
claim_status judge_claim(double value, std::pair<double, double> ci95, double target,
                         bool higher_is_better);

} // namespace troupe::scenarios
