#include "troupe/actors/json_writer.hpp"

#include <charconv>
#include <cmath>

namespace troupe::actors {

void json_writer::prefix(std::string_view key) {
  if (!filled_.empty()) {
    if (filled_.back())
      out_.put(',');
    filled_.back() = true;
  }
  if (!key.empty()) {
    string(key);
    out_.put(':');
  }
}

void json_writer::string(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out_.put('"');
  std::size_t run = 0; // start of the pending run of plain characters
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    out_.write(text.data() + run, static_cast<std::streamsize>(i - run));
    run = i + 1;
    switch (c) {
      case '"': out_ << "\\\""; break;
      case '\\': out_ << "\\\\"; break;
      case '\n': out_ << "\\n"; break;
      case '\r': out_ << "\\r"; break;
      case '\t': out_ << "\\t"; break;
      default: out_ << "\\u00" << hex[c >> 4] << hex[c & 0xf];
    }
  }
  out_.write(text.data() + run, static_cast<std::streamsize>(text.size() - run));
  out_.put('"');
}

json_writer& json_writer::begin_object(std::string_view key) {
  prefix(key);
  out_.put('{');
  filled_.push_back(false);
  return *this;
}

json_writer& json_writer::end_object() {
  filled_.pop_back();
  out_.put('}');
  return *this;
}

json_writer& json_writer::begin_array(std::string_view key) {
  prefix(key);
  out_.put('[');
  filled_.push_back(false);
  return *this;
}

json_writer& json_writer::end_array() {
  filled_.pop_back();
  out_.put(']');
  return *this;
}

json_writer& json_writer::value(std::string_view key, std::string_view text) {
  prefix(key);
  string(text);
  return *this;
}

json_writer& json_writer::value(std::string_view key, std::uint64_t number) {
  prefix(key);
  out_ << number;
  return *this;
}

json_writer& json_writer::value(std::string_view key, std::int64_t number) {
  prefix(key);
  char buffer[24]; // to_chars: no digit grouping from an imbued locale
  auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
  out_.write(buffer, end - buffer);
  return *this;
}

json_writer& json_writer::value(std::string_view key, double number) {
  prefix(key);
  if (!std::isfinite(number)) {
    out_ << "null";
    return *this;
  }
  // to_chars ignores the locale (a stream's << would honour a ',' decimal
  // point) and gives the shortest round-trip form; 32 bytes fit any double.
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  if (ec != std::errc{}) {
    out_ << "null";
    return *this;
  }
  out_.write(buffer, end - buffer);
  return *this;
}

json_writer& json_writer::value(std::string_view key, bool flag) {
  prefix(key);
  out_ << (flag ? "true" : "false");
  return *this;
}

json_writer& json_writer::value(std::string_view key, const std::vector<std::string>& texts) {
  begin_array(key);
  for (const auto& t : texts)
    value({}, t);
  return end_array();
}

json_writer& json_writer::raw(std::string_view key, std::string_view json) {
  prefix(key);
  out_.write(json.data(), static_cast<std::streamsize>(json.size()));
  return *this;
}

} // namespace troupe::actors
