// File: the single-byte encodings a PEP 263 coding cookie may declare and
// that the decoder transcodes to UTF-8 (private to the actors component).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace troupe::actors::detail {

/// A single-byte character set: the code point of every byte >= 0x80.
struct single_byte_codec {
  /// The canonical name, as reported in `decoded_source::encoding`.
  std::string_view name;
  /// Code points of bytes 0x80..0xFF; 0 marks a byte the codec leaves undefined.
  const std::uint16_t* high_half;
};

/// The codec a cookie's name denotes after Python's alias normalization, with
/// `utf8` set when it names UTF-8; null when the decoder does not support it.
const single_byte_codec* find_single_byte_codec(std::string_view cookie,
                                                bool& utf8);

/// Appends `bytes` decoded with `codec` to `out` as UTF-8; returns the offset
/// of the first undefined byte, or `npos` when every byte was defined.
std::size_t transcode_to_utf8(std::string_view bytes,
                              const single_byte_codec& codec, std::string& out);

} // namespace troupe::actors::detail
