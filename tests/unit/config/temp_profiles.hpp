// File: a scratch directory of profile files for one test case.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "troupe/config/load_result.hpp"

namespace troupe::config::test {

/// Creates a fresh temporary directory and removes it when destroyed.
class temp_profiles {
public:
  temp_profiles() {
    static std::atomic<int> counter{0};
    std::random_device seed;
    dir_ = std::filesystem::temp_directory_path()
           / ("troupe-config-test-" + std::to_string(seed()) + "-"
              + std::to_string(++counter));
    std::filesystem::create_directories(dir_);
  }

  ~temp_profiles() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  temp_profiles(const temp_profiles&) = delete;
  temp_profiles& operator=(const temp_profiles&) = delete;

  /// Writes `bytes` verbatim to `name` in the directory; returns its path.
  std::filesystem::path write(const std::string& name,
                              std::string_view bytes) const {
    auto path = dir_ / name;
    std::ofstream out{path, std::ios::binary};
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }

  /// The directory.
  const std::filesystem::path& dir() const {
    return dir_;
  }

private:
  std::filesystem::path dir_;
};

/// The only error of a failed load (fails the test if there are more).
inline config_error only_error(const load_result& result) {
  REQUIRE_FALSE(result.ok());
  INFO("errors: " << [&] {
    std::string all;
    for (auto& e : result.errors)
      all += "\n  " + e.to_string();
    return all;
  }());
  REQUIRE(result.errors.size() == 1);
  return result.errors.front();
}

} // namespace troupe::config::test
