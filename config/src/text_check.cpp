#include "internal/text_check.hpp"

#include <cstdio>

namespace troupe::config::internal {

namespace {

// The length of the UTF-8 sequence starting with `lead`, or 0 if invalid.
size_t sequence_length(unsigned char lead) {
  if (lead < 0x80)
    return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    return 2;
  if (lead >= 0xE0 && lead <= 0xEF)
    return 3;
  if (lead >= 0xF0 && lead <= 0xF4)
    return 4;
  return 0;
}

// Whether bytes [i, i+len) form a valid, shortest-form, non-surrogate
// sequence.
bool valid_sequence(std::string_view text, size_t i, size_t len) {
  if (i + len > text.size())
    return false;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  for (size_t k = 1; k < len; ++k)
    if ((byte(k) & 0xC0) != 0x80)
      return false;
  if (len == 3 && byte(0) == 0xE0 && byte(1) < 0xA0)
    return false; // overlong
  if (len == 3 && byte(0) == 0xED && byte(1) >= 0xA0)
    return false; // surrogate
  if (len == 4 && byte(0) == 0xF0 && byte(1) < 0x90)
    return false; // overlong
  if (len == 4 && byte(0) == 0xF4 && byte(1) >= 0x90)
    return false; // above U+10FFFF
  return true;
}

} // namespace

std::optional<config_error> check_text(std::string_view text,
                                       const std::string& file) {
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    auto len = sequence_length(lead);
    if (len == 0 || !valid_sequence(text, i, len)) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02X", lead);
      return config_error{file, line, column, {},
                          std::string{"invalid UTF-8 (byte "} + hex
                            + "); profiles must be UTF-8 text"};
    }
    if (lead < 0x20 && lead != '\n' && lead != '\r' && lead != '\t') {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02X", lead);
      return config_error{file, line, column, {},
                          std::string{"control character "} + hex
                            + " is not allowed in a profile"};
    }
    if (lead == '\n') {
      ++line;
      column = 1;
    } else {
      column += static_cast<int>(len);
    }
    i += len;
  }
  return std::nullopt;
}

} // namespace troupe::config::internal
