// File: the package data an index_server serves, loaded from a JSON file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace troupe::net::detail {

/// Package name -> response body (serialized once, at load time).
class package_index {
public:
  /// Reads `path`; returns the reason when it is unreadable or malformed.
  std::optional<std::string> load(const std::string& path);

  /// The JSON document of `name` (any spelling PEP 503 folds together), or
  /// null when the index has no such package.
  const std::string* find(std::string_view name) const;

  std::size_t size() const noexcept {
    return bodies_.size();
  }

  /// PEP 503 normalization: lower case, runs of "-_." become one "-".
  static std::string normalize(std::string_view name);

private:
  std::unordered_map<std::string, std::string> bodies_;
};

} // namespace troupe::net::detail
