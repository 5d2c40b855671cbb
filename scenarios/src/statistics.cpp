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

std::pair<double, double> bootstrap_ci95(
  const std::vector<std::vector<double>>& groups,
  const std::function<double(const std::vector<double>& medians)>& statistic, int rounds,
  std::uint64_t seed) {
  if (groups.empty())
    return {0, 0};
  for (const auto& g : groups)
    if (g.empty())
      return {0, 0};
  std::mt19937_64 rng{seed};
  std::vector<double> resampled;
  auto resample_median = [&](const std::vector<double>& xs) {
    std::uniform_int_distribution<std::size_t> pick{0, xs.size() - 1};
    resampled.resize(xs.size());
    for (auto& x : resampled)
      x = xs[pick(rng)];
    return median(resampled);
  };
  std::vector<double> medians(groups.size());
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(rounds));
  for (int i = 0; i < rounds; ++i) {
    for (std::size_t g = 0; g < groups.size(); ++g)
      medians[g] = resample_median(groups[g]);
    auto v = statistic(medians);
    if (std::isfinite(v))
      values.push_back(v);
  }
  if (values.empty())
    return {0, 0};
  return {quantile(values, 0.025), quantile(std::move(values), 0.975)};
}

std::pair<double, double> median_ci95(const std::vector<double>& samples, int rounds,
                                      std::uint64_t seed) {
  return bootstrap_ci95({samples}, [](const std::vector<double>& m) { return m[0]; }, rounds,
                        seed);
}

std::pair<double, double> speedup_ci95(const std::vector<double>& baseline,
                                       const std::vector<double>& other, int rounds,
                                       std::uint64_t seed) {
  return bootstrap_ci95(
    {baseline, other},
    [](const std::vector<double>& m) { return m[1] > 0 ? m[0] / m[1] : NAN; }, rounds, seed);
}

} // namespace troupe::scenarios
