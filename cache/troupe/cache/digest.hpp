// File: a 128-bit XXH3 digest, the currency of cache keys and record contents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::cache {

/// A 128-bit XXH3 digest; fast and well distributed, not cryptographic.
struct digest {
  /// The high 64 bits, rendered first in hex.
  std::uint64_t high = 0;
  /// The low 64 bits.
  std::uint64_t low = 0;

  /// Renders the digest as 32 lowercase hex digits, high half first.
  std::string hex() const;

  /// Parses 32 hex digits as written by `hex()`; nullopt on malformed input.
  static std::optional<digest> from_hex(std::string_view text) noexcept;

  /// Whether two digests are equal.
  friend bool operator==(const digest& x, const digest& y) noexcept {
    return x.high == y.high && x.low == y.low;
  }
  /// Whether two digests differ.
  friend bool operator!=(const digest& x, const digest& y) noexcept {
    return !(x == y);
  }
  /// Orders digests numerically, for sorted containers and canonical order.
  friend bool operator<(const digest& x, const digest& y) noexcept {
    return x.high != y.high ? x.high < y.high : x.low < y.low;
  }
};

/// Hashes a digest for unordered containers (the bits are already uniform).
struct digest_hash {
  /// Folds the two halves into a `size_t`.
  std::size_t operator()(const digest& x) const noexcept {
    return static_cast<std::size_t>(x.low ^ (x.high * 0x9E3779B97F4A7C15ull));
  }
};

/// The XXH3-128 digest of `bytes`, used for input contents and records.
digest content_digest(std::string_view bytes) noexcept;

} // namespace troupe::cache
