// File: the statistics benchmarks report: medians, percentiles and a
// bootstrap confidence interval for a ratio of medians.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace troupe::scenarios {

/// The median of `samples` (mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> samples);

/// The `q`-quantile (0..1) of `samples` by linear interpolation; 0 when empty.
double quantile(std::vector<double> samples, double q);

/// A 95% percentile-bootstrap interval of median(baseline) / median(other),
/// resampling both sides `rounds` times with a fixed seed (reproducible).
std::pair<double, double> speedup_ci95(const std::vector<double>& baseline,
                                       const std::vector<double>& other,
                                       int rounds = 2000, std::uint64_t seed = 42);

} // namespace troupe::scenarios
