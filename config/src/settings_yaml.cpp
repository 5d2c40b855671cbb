#include "troupe/config/settings_yaml.hpp"

#include <cstdio>

#include "internal/schema.hpp"

namespace troupe::config {

namespace {

// A double-quoted YAML string, escaped so that it reads back identically.
std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02X", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

} // namespace

std::string to_yaml(const settings& value) {
  std::string out = "# profile: " + value.profile + "\n";
  if (!value.description.empty())
    out += "description: " + quote(value.description) + "\n";
  for (auto section : internal::sections()) {
    out += std::string{section} + ":\n";
    for (const auto& f : internal::schema())
      if (f.section == section)
        out += "  " + std::string{f.key} + ": "
               + internal::render_value(f, f.get(value)) + "\n";
    for (const auto& f : internal::list_schema()) {
      if (f.section != section)
        continue;
      if (const auto* items = f.get(value))
        out += "  " + std::string{f.key} + ": " + internal::render_list(*items) + "\n";
      else
        out += "  # " + std::string{f.key} + ": not set (the command decides)\n";
    }
  }
  return out;
}

const char* to_string(worker_type value) noexcept {
  return value == worker_type::process ? "process" : "thread";
}

} // namespace troupe::config
