// File: a compact latency histogram for medians and tail percentiles.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace troupe::cache {

/// Counts durations in log-linear buckets (16 per power of two, so any
/// quantile is within 6.25% of the truth) in a fixed 8 KiB, without
/// allocating; mergeable across workers and processes.
///
/// Thread safety: none; the owner serializes access.
class latency_histogram {
public:
  /// Adds one sample.
  void record(std::chrono::nanoseconds sample) noexcept;

  /// Adds every sample of `other`.
  void merge(const latency_histogram& other) noexcept;

  /// The number of samples.
  std::uint64_t count() const noexcept {
    return count_;
  }

  /// The q-quantile (0.5 = median, 0.99 = p99) of the samples; zero if none.
  std::chrono::nanoseconds quantile(double q) const noexcept;

  /// The mean of the samples; zero if none.
  std::chrono::nanoseconds mean() const noexcept;

  /// The largest sample; zero if none.
  std::chrono::nanoseconds max() const noexcept {
    return std::chrono::nanoseconds{static_cast<std::int64_t>(max_)};
  }

private:
  static constexpr std::size_t sub_bits = 4;
  static constexpr std::size_t sub_count = std::size_t{1} << sub_bits;
  static constexpr std::size_t bucket_count = (64 - sub_bits + 1) * sub_count;

  static std::size_t bucket_of(std::uint64_t ns) noexcept;
  static std::uint64_t bucket_mid(std::size_t index) noexcept;

  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t max_ = 0;
};

} // namespace troupe::cache
