// File: helpers shared by the net tests: the index fixture and its names.
#pragma once

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "troupe/net/index_server.hpp"

namespace troupe::net::test {

/// tests/fixtures/index/packages.json under TROUPE_SOURCE_DIR.
inline std::string index_data_file() {
  const char* root = std::getenv("TROUPE_SOURCE_DIR");
  return std::string{root ? root : "."} + "/tests/fixtures/index/packages.json";
}

/// The fixture as JSON (name -> {"info", "releases"}).
inline nlohmann::json index_data() {
  std::ifstream in{index_data_file()};
  return nlohmann::json::parse(in);
}

/// The first `n` package names of the fixture, in file order.
inline std::vector<std::string> package_names(std::size_t n) {
  std::vector<std::string> names;
  auto data = index_data(); // items() must not outlive the document
  for (auto it = data.begin(); it != data.end() && names.size() < n; ++it)
    names.push_back(it.key());
  return names;
}

/// "/pypi/NAME/json" for each name.
inline std::vector<std::string> paths_of(const std::vector<std::string>& names) {
  std::vector<std::string> paths;
  for (auto& name : names)
    paths.push_back("/pypi/" + name + "/json");
  return paths;
}

/// Options serving the fixture on an ephemeral port.
inline index_server_options fixture_options() {
  index_server_options opts;
  opts.data_file = index_data_file();
  return opts;
}

/// Seconds elapsed since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
    .count();
}

} // namespace troupe::net::test
