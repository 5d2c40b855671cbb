// File: sizes and durations as written in profiles.
//
// Sizes follow the SI/IEC convention, so there is never a doubt about a unit:
// decimal units are powers of 1000 (kB/KB = 10^3, MB = 10^6, GB = 10^9,
// TB = 10^12) and binary units are powers of 1024 (KiB = 2^10, MiB = 2^20,
// GiB = 2^30, TiB = 2^40); `B` or a bare integer is a byte count. Numbers
// are whole, optionally followed by a space: `500MB`, `64KiB`, `2 GiB`, `4096`.
//
// Durations need a unit: `ms`, `s`, `m` (minutes), `h`; e.g. `250ms`, `5m`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::config {

/// A parsed value, or an error message saying what was expected.
template <class T>
struct parsed {
  /// The value; empty on error.
  std::optional<T> value;
  /// Why parsing failed; empty on success.
  std::string error;
};

/// Parses a size such as `500MB`, `64KiB` or `4096` into bytes.
[[nodiscard]] parsed<std::uint64_t> parse_size(std::string_view text);

/// Parses a duration such as `250ms`, `2s`, `5m` or `1h`.
[[nodiscard]] parsed<std::chrono::milliseconds>
parse_duration(std::string_view text);

/// Renders bytes with the exact unit giving the smallest number, binary on a
/// tie (`256MiB`, `500MB`); other values stay a plain byte count (`1536`).
std::string render_size(std::uint64_t bytes);

/// Renders a duration with the largest unit that divides it exactly (`1h`,
/// `90s`, `250ms`); zero is `0s`.
std::string render_duration(std::chrono::milliseconds value);

} // namespace troupe::config
