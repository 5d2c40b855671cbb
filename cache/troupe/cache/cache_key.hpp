// File: the identity of a cached record.
//
// A key is the XXH3-128 of its named parts (see key_parts.hpp): agent id and
// version, grammar version, output-changing settings, the input's content
// digest and the digests of upstream records. Paths are never parts, so a
// moved checkout keeps its cache, and contents always are, so a hit is never
// stale.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "troupe/cache/digest.hpp"

namespace troupe::cache {

/// The 128-bit identity of a cached record; cheap to copy and compare.
class cache_key {
public:
  /// The all-zero key; never produced by `key_parts::key()` in practice.
  constexpr cache_key() noexcept = default;

  /// Wraps a digest computed by `key_parts::key()` or parsed from a file name.
  constexpr explicit cache_key(digest value) noexcept : value_(value) {
  }

  /// The underlying digest.
  constexpr const digest& value() const noexcept {
    return value_;
  }

  /// Renders the key as 32 lowercase hex digits (the L2 file name stem).
  std::string hex() const {
    return value_.hex();
  }

  /// Parses 32 hex digits; nullopt on malformed input.
  static std::optional<cache_key> from_hex(std::string_view text) noexcept {
    if (auto d = digest::from_hex(text))
      return cache_key{*d};
    return std::nullopt;
  }

  /// Whether two keys are equal.
  friend bool operator==(const cache_key& x, const cache_key& y) noexcept {
    return x.value_ == y.value_;
  }
  /// Whether two keys differ.
  friend bool operator!=(const cache_key& x, const cache_key& y) noexcept {
    return x.value_ != y.value_;
  }
  /// Orders keys numerically, for sorted containers.
  friend bool operator<(const cache_key& x, const cache_key& y) noexcept {
    return x.value_ < y.value_;
  }

private:
  digest value_;
};

} // namespace troupe::cache

namespace std {

/// Lets `cache_key` be used in `std::unordered_map` without a custom hasher.
template <>
struct hash<troupe::cache::cache_key> {
  /// Folds the key's two halves into a `size_t`.
  size_t operator()(const troupe::cache::cache_key& x) const noexcept {
    return troupe::cache::digest_hash{}(x.value());
  }
};

} // namespace std
