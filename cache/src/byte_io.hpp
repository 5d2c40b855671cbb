// File: little-endian integer encoding shared by the cache's file formats
// (private).
#pragma once

#include <cstdint>

namespace troupe::cache::detail {

/// Writes `x` little endian into out[0..4).
inline void put_u32(unsigned char* out, std::uint32_t x) noexcept {
  for (int i = 0; i < 4; ++i)
    out[i] = static_cast<unsigned char>(x >> (8 * i));
}

/// Writes `x` little endian into out[0..8).
inline void put_u64(unsigned char* out, std::uint64_t x) noexcept {
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<unsigned char>(x >> (8 * i));
}

/// Reads a little-endian u32 from in[0..4).
inline std::uint32_t get_u32(const unsigned char* in) noexcept {
  std::uint32_t x = 0;
  for (int i = 3; i >= 0; --i)
    x = (x << 8) | in[i];
  return x;
}

/// Reads a little-endian u64 from in[0..8).
inline std::uint64_t get_u64(const unsigned char* in) noexcept {
  std::uint64_t x = 0;
  for (int i = 7; i >= 0; --i)
    x = (x << 8) | in[i];
  return x;
}

} // namespace troupe::cache::detail
