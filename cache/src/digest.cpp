#include "troupe/cache/digest.hpp"

#include <xxhash.h>

namespace troupe::cache {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

std::string digest::hex() const {
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = hex_digits[(high >> (4 * i)) & 0xF];
    out[31 - i] = hex_digits[(low >> (4 * i)) & 0xF];
  }
  return out;
}

std::optional<digest> digest::from_hex(std::string_view text) noexcept {
  if (text.size() != 32)
    return std::nullopt;
  digest out;
  for (size_t i = 0; i < 32; ++i) {
    auto v = hex_value(text[i]);
    if (v < 0)
      return std::nullopt;
    auto& half = i < 16 ? out.high : out.low;
    half = (half << 4) | static_cast<std::uint64_t>(v);
  }
  return out;
}

digest content_digest(std::string_view bytes) noexcept {
  auto h = XXH3_128bits(bytes.data(), bytes.size());
  return digest{h.high64, h.low64};
}

} // namespace troupe::cache
