// File: turning the bytes of a .py file into the UTF-8 text the parser reads.
//
// Python decides a file's encoding from a UTF-8 byte-order mark or a PEP 263
// coding cookie on one of its first two lines, and counts `\n`, `\r\n` and a
// lone `\r` as line breaks. tree-sitter reads UTF-8 and counts only `\n`, so
// the decoder transcodes the declared single-byte codecs byte for byte and
// rewrites a lone `\r` to `\n`: the text keeps Python's line numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace troupe::actors {

/// Outcome of decoding a source file.
enum class source_status : std::uint8_t {
  /// `text` holds the file as UTF-8.
  ok,
  /// The file contains a NUL byte, so it is not Python source.
  binary,
  /// The bytes are not valid in the declared (or default UTF-8) encoding, or
  /// the declared encoding is one the decoder does not support.
  not_utf8,
  /// The file is larger than the caller's limit.
  too_large,
};

/// The stable name of a status, as shown in logs and reports.
std::string_view to_string(source_status status) noexcept;

/// A decoded source file: its UTF-8 text, or why there is none.
struct decoded_source {
  /// Whether `text` is usable.
  source_status status = source_status::ok;
  /// The source as UTF-8 without a BOM; empty unless `status` is ok.
  std::string text;
  /// The encoding the text was decoded from (`utf-8`, `iso-8859-1`, ...).
  std::string encoding;
  /// A human-readable reason when `status` is not ok (offset, line, codec).
  std::string detail;
};

/// Decodes the bytes of a Python file as CPython's tokenizer would: strips a
/// UTF-8 BOM, honours a coding cookie (UTF-8, Latin-1, ISO 8859-15, cp1252 and
/// KOI8-R are supported), validates strict UTF-8, and rewrites lone `\r` to
/// `\n`; line numbers are unchanged by all of these steps.
[[nodiscard]] decoded_source decode_python_source(std::string_view bytes,
                                                  std::size_t max_bytes);

} // namespace troupe::actors
