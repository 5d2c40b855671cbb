#include "troupe/actors/source/utf8_text.hpp"

#include <cstddef>

namespace troupe::actors {

namespace {

/// The length of the well-formed UTF-8 sequence at `text[i]`, or 0.
std::size_t sequence_at(std::string_view text, std::size_t i) noexcept {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  auto lead = byte(0);
  std::size_t len = lead < 0x80                    ? 1
                    : lead >= 0xC2 && lead <= 0xDF ? 2
                    : lead >= 0xE0 && lead <= 0xEF ? 3
                    : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                   : 0;
  if (len == 0 || i + len > text.size())
    return 0;
  for (std::size_t k = 1; k < len; ++k)
    if ((byte(k) & 0xC0) != 0x80)
      return 0;
  if ((lead == 0xE0 && byte(1) < 0xA0) || (lead == 0xED && byte(1) >= 0xA0)
      || (lead == 0xF0 && byte(1) < 0x90) || (lead == 0xF4 && byte(1) >= 0x90))
    return 0; // overlong, surrogate, or above U+10FFFF
  return len;
}

} // namespace

bool is_utf8(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    auto len = sequence_at(text, i);
    if (len == 0)
      return false;
    i += len;
  }
  return true;
}

std::string escape_non_utf8(std::string_view text) {
  if (is_utf8(text))
    return std::string{text};
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    auto len = sequence_at(text, i);
    if (len == 0) {
      auto c = static_cast<unsigned char>(text[i]);
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
      ++i;
    } else if (text[i] == '\\') {
      out += "\\\\";
      ++i;
    } else {
      out.append(text, i, len);
      i += len;
    }
  }
  return out;
}

} // namespace troupe::actors
