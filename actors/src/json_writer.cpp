#include "troupe/actors/json_writer.hpp"
#include "troupe/actors/source/utf8_text.hpp"

#include <charconv>
#include <cmath>

namespace troupe::actors {

void json_writer::flush() {
  if (buffer_.empty())
    return;
  write_out(buffer_);
  buffer_.clear();
}

void json_writer::write_out(std::string_view text) {
  if (out_)
    out_->write(text.data(), static_cast<std::streamsize>(text.size()));
  else
    text_->append(text);
}

void json_writer::prefix(std::string_view key) {
  if (!filled_.empty()) {
    if (filled_.back())
      put(',');
    filled_.back() = true;
  }
  if (!key.empty()) {
    string(key);
    put(':');
  }
}

void json_writer::string(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  // JSON is UTF-8: bytes that are not (a file name on Linux may hold any)
  // are written as escape_non_utf8 shows them.
  bool ascii = true;
  for (char c : text)
    ascii &= static_cast<unsigned char>(c) < 0x80;
  std::string escaped;
  if (!ascii && !is_utf8(text)) {
    escaped = escape_non_utf8(text);
    text = escaped;
  }
  put('"');
  std::size_t run = 0; // start of the pending run of plain characters
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    buffer_.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': buffer_ += "\\\""; break;
      case '\\': buffer_ += "\\\\"; break;
      case '\n': buffer_ += "\\n"; break;
      case '\r': buffer_ += "\\r"; break;
      case '\t': buffer_ += "\\t"; break;
      default:
        buffer_ += "\\u00";
        put(hex[c >> 4]);
        put(hex[c & 0xf]);
    }
  }
  buffer_.append(text.data() + run, text.size() - run);
  put('"');
}

json_writer& json_writer::begin_object(std::string_view key) {
  prefix(key);
  put('{');
  filled_.push_back(false);
  return *this;
}

json_writer& json_writer::end_object() {
  filled_.pop_back();
  put('}');
  done();
  return *this;
}

json_writer& json_writer::begin_array(std::string_view key) {
  prefix(key);
  put('[');
  filled_.push_back(false);
  return *this;
}

json_writer& json_writer::end_array() {
  filled_.pop_back();
  put(']');
  done();
  return *this;
}

json_writer& json_writer::value(std::string_view key, std::string_view text) {
  prefix(key);
  string(text);
  done();
  return *this;
}

json_writer& json_writer::value(std::string_view key, std::uint64_t number) {
  prefix(key);
  char buffer[24]; // to_chars: no digit grouping from an imbued locale
  auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
  append({buffer, static_cast<std::size_t>(end - buffer)});
  done();
  return *this;
}

json_writer& json_writer::value(std::string_view key, std::int64_t number) {
  prefix(key);
  char buffer[24];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
  append({buffer, static_cast<std::size_t>(end - buffer)});
  done();
  return *this;
}

json_writer& json_writer::value(std::string_view key, double number) {
  prefix(key);
  // to_chars ignores the locale (a stream's << would honour a ',' decimal
  // point) and gives the shortest round-trip form; 32 bytes fit any double.
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  if (!std::isfinite(number) || ec != std::errc{})
    append("null");
  else
    append({buffer, static_cast<std::size_t>(end - buffer)});
  done();
  return *this;
}

json_writer& json_writer::value(std::string_view key, bool flag) {
  prefix(key);
  append(flag ? "true" : "false");
  done();
  return *this;
}

namespace {

template <class Texts>
json_writer& write_texts(json_writer& w, std::string_view key, const Texts& texts) {
  w.begin_array(key);
  for (const auto& t : texts)
    w.value({}, std::string_view{t});
  return w.end_array();
}

} // namespace

json_writer& json_writer::value(std::string_view key, const std::vector<std::string>& texts) {
  return write_texts(*this, key, texts);
}

json_writer& json_writer::value(std::string_view key, const text_list& texts) {
  return write_texts(*this, key, texts);
}

json_writer& json_writer::raw(std::string_view key, std::string_view json) {
  prefix(key);
  append(json);
  done();
  return *this;
}

json_writer& json_writer::members(std::string_view object) {
  auto open = object.find('{');
  auto close = object.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos)
    return *this;
  auto inner = object.substr(open + 1, close - open - 1);
  if (inner.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return *this; // an empty object adds nothing
  prefix({}); // one separator before the lot; the members carry their keys
  if (inner.size() < flush_at) {
    // Copied: a write per member list cost a system call each (report.json
    // splices two per file), far more than copying into the buffer.
    append(inner);
    return *this;
  }
  flush(); // large pre-rendered text goes out without a copy
  write_out(inner);
  return *this;
}

json_writer& json_writer::newline() {
  put('\n');
  return *this;
}

} // namespace troupe::actors
