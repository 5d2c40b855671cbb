#include "troupe/cache/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace troupe::cache {

// Values below 2 * sub_count are exact; above, each power of two is split
// into sub_count equal buckets.
std::size_t latency_histogram::bucket_of(std::uint64_t ns) noexcept {
  if (ns < 2 * sub_count)
    return static_cast<std::size_t>(ns);
  auto msb = static_cast<std::size_t>(63 - __builtin_clzll(ns));
  auto shift = msb - sub_bits;
  auto sub = static_cast<std::size_t>((ns >> shift) & (sub_count - 1));
  return (msb - sub_bits + 1) * sub_count + sub;
}

std::uint64_t latency_histogram::bucket_mid(std::size_t index) noexcept {
  if (index < 2 * sub_count)
    return index;
  auto msb = index / sub_count + sub_bits - 1;
  auto sub = index % sub_count;
  auto shift = msb - sub_bits;
  auto lower = (static_cast<std::uint64_t>(sub_count + sub)) << shift;
  return lower + ((std::uint64_t{1} << shift) >> 1);
}

void latency_histogram::record(std::chrono::nanoseconds sample) noexcept {
  auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, sample.count()));
  ++buckets_[bucket_of(ns)];
  ++count_;
  sum_ += ns;
  max_ = std::max(max_, ns);
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
  for (std::size_t i = 0; i < bucket_count; ++i)
    buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

std::chrono::nanoseconds latency_histogram::quantile(double q) const noexcept {
  if (count_ == 0)
    return std::chrono::nanoseconds{0};
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the sample we want, 1-based ("nearest rank" definition).
  auto rank = std::max<std::uint64_t>(
    1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      auto mid = std::min(bucket_mid(i), max_);
      return std::chrono::nanoseconds{static_cast<std::int64_t>(mid)};
    }
  }
  return max();
}

std::chrono::nanoseconds latency_histogram::mean() const noexcept {
  if (count_ == 0)
    return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds{static_cast<std::int64_t>(sum_ / count_)};
}

} // namespace troupe::cache
