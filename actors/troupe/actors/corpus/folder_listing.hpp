// File: which files exist under a folder, each subfolder listed once.
//
// The generated files (generated/tests, generated/docs) are checked for
// presence by codegen (is an unchanged file still there?) and by the run
// memo (are the stored run's files all there?): one listing per folder
// instead of a stat per file (~2,800 on the default corpus).
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace troupe::corpus {

class folder_listing {
public:
  explicit folder_listing(std::filesystem::path root) : root_(std::move(root)) {}

  /// Whether `relative` (a path below the root) names an entry; its folder
  /// is listed on first use and the listing kept, so files created or
  /// removed afterwards are not seen.
  bool contains(const std::string& relative);

private:
  std::filesystem::path root_;
  std::map<std::string, std::set<std::string>> listings_;
};

} // namespace troupe::corpus
