// File: the statistics benchmarks report: medians, percentiles and
// percentile-bootstrap confidence intervals for medians and their ratios.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace troupe::scenarios {

/// Samples below which an interval is reported but marked as indicative:
/// a bootstrap from fewer than this many samples per side has too few
/// distinct resamples to mean much.
constexpr std::size_t min_samples_for_interval = 5;

/// The median of `samples` (mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> samples);

/// The `q`-quantile (0..1) of `samples` by linear interpolation; 0 when empty.
double quantile(std::vector<double> samples, double q);

/// A 95% percentile-bootstrap interval of `statistic(medians)`, where each
/// of `rounds` rounds resamples every group (with replacement, same size)
/// and passes the groups' medians in order; rounds whose statistic is not
/// finite are dropped. A fixed seed makes it reproducible. {0, 0} when a
/// group is empty.
std::pair<double, double> bootstrap_ci95(
  const std::vector<std::vector<double>>& groups,
  const std::function<double(const std::vector<double>& medians)>& statistic,
  int rounds = 2000, std::uint64_t seed = 42);

/// A 95% percentile-bootstrap interval of the median of `samples`.
std::pair<double, double> median_ci95(const std::vector<double>& samples, int rounds = 2000,
                                      std::uint64_t seed = 42);

/// A 95% percentile-bootstrap interval of median(baseline) / median(other),
/// resampling both sides `rounds` times with a fixed seed (reproducible).
std::pair<double, double> speedup_ci95(const std::vector<double>& baseline,
                                       const std::vector<double>& other,
                                       int rounds = 2000, std::uint64_t seed = 42);

} // namespace troupe::scenarios
