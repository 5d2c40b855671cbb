// File: where the shipped profiles are, for tests.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "troupe/config/profile_loader.hpp"

namespace troupe::config::test {

/// The six profiles that ship in config/profiles/.
inline const std::vector<std::string> shipped_names{
  "balanced", "ci", "cluster", "cpu-constrained", "high-performance",
  "memory-constrained"};

/// A loader whose only search directory is the source tree's config/profiles.
inline profile_loader shipped_loader() {
  const char* root = std::getenv("TROUPE_SOURCE_DIR");
  REQUIRE(root != nullptr);
  auto dir = std::filesystem::path{root} / "config" / "profiles";
  REQUIRE(std::filesystem::is_directory(dir));
  return profile_loader{{{dir}}};
}

} // namespace troupe::config::test
