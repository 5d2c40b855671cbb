#include "troupe/scenarios/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace troupe::scenarios {

double quantile(std::vector<double> samples, double q) {
  if (samples.empty())
    return 0;
  std::sort(samples.begin(), samples.end());
  auto pos = q * static_cast<double>(samples.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  auto hi = static_cast<std::size_t>(std::ceil(pos));
  return samples[lo] + (samples[hi] - samples[lo]) * (pos - static_cast<double>(lo));
}

double median(std::vector<double> samples) {
  return quantile(std::move(samples), 0.5);
}

std::pair<double, double> speedup_ci95(const std::vector<double>& baseline,
                                       const std::vector<double>& other, int rounds,
                                       std::uint64_t seed) {
  if (baseline.empty() || other.empty())
    return {0, 0};
  std::mt19937_64 rng{seed};
  auto resample = [&rng](const std::vector<double>& xs) {
    std::uniform_int_distribution<std::size_t> pick{0, xs.size() - 1};
    std::vector<double> out(xs.size());
    for (auto& x : out)
      x = xs[pick(rng)];
    return median(std::move(out));
  };
  std::vector<double> ratios;
  ratios.reserve(static_cast<std::size_t>(rounds));
  for (int i = 0; i < rounds; ++i) {
    auto denom = resample(other);
    if (denom > 0)
      ratios.push_back(resample(baseline) / denom);
  }
  return {quantile(ratios, 0.025), quantile(ratios, 0.975)};
}

} // namespace troupe::scenarios
