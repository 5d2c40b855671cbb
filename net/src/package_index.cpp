#include "package_index.hpp"

#include <cctype>
#include <fstream>

#include <nlohmann/json.hpp>

namespace troupe::net::detail {

std::string package_index::normalize(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_separator = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_separator)
        out.push_back('-');
      in_separator = true;
      continue;
    }
    in_separator = false;
    out.push_back(
      static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::optional<std::string> package_index::load(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return "cannot open index data " + path;
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return "index data " + path + " is not a JSON object";
  bodies_.clear();
  for (auto& [name, entry] : doc.items()) {
    if (!entry.is_object() || !entry.contains("info"))
      return "index data " + path + ": package " + name + " has no info";
    bodies_[normalize(name)] = entry.dump();
  }
  return std::nullopt;
}

const std::string* package_index::find(std::string_view name) const {
  auto i = bodies_.find(normalize(name));
  return i == bodies_.end() ? nullptr : &i->second;
}

} // namespace troupe::net::detail
