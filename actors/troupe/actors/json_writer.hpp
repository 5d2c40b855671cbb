// File: a small streaming JSON writer for the large arrays of report.json,
// where building a DOM first would cost more than the analysis; agents
// write their records into a file's entry with it.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/file/symbols_view.hpp"

namespace troupe::actors {

/// Writes one JSON value at a time; the caller keeps the structure valid.
/// Output is gathered in a buffer and handed to the stream in large blocks
/// (per-character stream calls cost more than the rest of a report); it is
/// flushed whenever the outermost value is complete, by flush() and by the
/// destructor, so the stream is current whenever the writer is at top level.
///
/// Writing into a string instead (`json_writer w{text};`) renders a value to
/// splice into a larger document later (see `members`).
class json_writer {
public:
  explicit json_writer(std::ostream& out) : out_(&out) {
    buffer_.reserve(flush_at + 256);
  }
  explicit json_writer(std::string& out) : text_(&out) {
  }
  json_writer(const json_writer&) = delete;
  json_writer& operator=(const json_writer&) = delete;
  ~json_writer() {
    flush();
  }

  /// Hands the buffered text to the stream (or string).
  void flush();

  /// Opens an object or array; `key` names it inside an object.
  json_writer& begin_object(std::string_view key = {});
  json_writer& end_object();
  json_writer& begin_array(std::string_view key = {});
  json_writer& end_array();

  /// A member of the enclosing object, or an element when `key` is empty.
  json_writer& value(std::string_view key, std::string_view text);
  json_writer& value(std::string_view key, const char* text) {
    return value(key, std::string_view{text});
  }
  json_writer& value(std::string_view key, const std::string& text) {
    return value(key, std::string_view{text});
  }
  json_writer& value(std::string_view key, std::uint64_t number);
  json_writer& value(std::string_view key, std::uint32_t number) {
    return value(key, static_cast<std::uint64_t>(number));
  }
  json_writer& value(std::string_view key, std::int64_t number);
  /// A number in its shortest form that reads back to the same double,
  /// whatever the global locale; null for NaN and infinities, which JSON
  /// cannot spell.
  json_writer& value(std::string_view key, double number);
  json_writer& value(std::string_view key, bool flag);
  json_writer& value(std::string_view key, const std::vector<std::string>& texts);
  json_writer& value(std::string_view key, const text_list& texts);

  /// Pre-rendered JSON (e.g. a small nlohmann DOM's dump()).
  json_writer& raw(std::string_view key, std::string_view json);

  /// The members of a pre-rendered JSON object (`{...}`), added to the
  /// current object.
  json_writer& members(std::string_view object);

  /// A line break between elements (JSON whitespace), to keep large arrays
  /// readable line by line.
  json_writer& newline();

private:
  static constexpr std::size_t flush_at = 256 * 1024;

  void write_out(std::string_view text);
  void prefix(std::string_view key);
  void string(std::string_view text);
  void put(char c) {
    buffer_.push_back(c);
  }
  void append(std::string_view text) {
    buffer_.append(text);
    if (buffer_.size() >= flush_at)
      flush();
  }
  /// Flushes once the outermost value is complete.
  void done() {
    if (filled_.empty() || buffer_.size() >= flush_at)
      flush();
  }

  /// Where flushed text goes: a stream, or else a string.
  std::ostream* out_ = nullptr;
  std::string* text_ = nullptr;
  std::string buffer_;
  /// Whether the current container already has an element.
  std::vector<bool> filled_;
};

} // namespace troupe::actors
