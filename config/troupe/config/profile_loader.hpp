// File: finds, reads and validates profiles, following `extends:`.
//
// Usage:
//   troupe::config::profile_loader loader{{{"/usr/share/troupe/profiles"}}};
//   auto result = loader.load("balanced");      // or a path: "./my.yaml"
//   if (!result.ok())
//     for (auto& e : result.errors) std::cerr << e.to_string() << '\n';
//
// A profile is strict YAML: one document whose top level is a mapping, keys
// from the schema only, no anchors, aliases or tags, no duplicate keys. Its
// values are applied over the profile it `extends:` (or over the defaults of
// settings.hpp). `extends:` takes a NAME, looked up as NAME.yaml beside the
// extending file and then in the search directories, or a path (anything
// with a '/' or ending in .yaml/.yml), relative to the extending file.
//
// Thread safety: a loader is immutable; concurrent loads are safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/config/load_result.hpp"

namespace troupe::config {

/// Where a profile_loader looks for profiles and how far it goes.
struct loader_options {
  /// Directories searched in order for NAME.yaml.
  std::vector<std::filesystem::path> search_dirs;
  /// Longest chain of `extends:` followed before giving up.
  int max_extends_depth = 8;
  /// Deepest nesting of mappings and sequences accepted in one file; capped
  /// at 256, far below the depth where yaml-cpp itself gives up.
  int max_nesting_depth = 16;
};

/// Loads profiles by name, from files or from strings.
class profile_loader {
public:
  /// Creates a loader with the given search directories and limits.
  explicit profile_loader(loader_options options = {});

  /// Loads a profile NAME from the search directories, or a file when
  /// `is_path(name_or_path)`; `settings::profile` is set to the argument.
  [[nodiscard]] load_result load(std::string_view name_or_path) const;

  /// Loads the profile file at `file`.
  [[nodiscard]] load_result load_file(const std::filesystem::path& file) const;

  /// Loads a profile from memory; `origin` names it in errors, and relative
  /// `extends:` paths are resolved against the current directory.
  [[nodiscard]] load_result load_string(std::string_view text,
                                        std::string origin = "<string>") const;

  /// The names of the profiles found in the search directories, sorted.
  [[nodiscard]] std::vector<std::string> available() const;

  /// Whether an argument is a file path (has a '/' or a .yaml/.yml suffix)
  /// rather than a profile name.
  static bool is_path(std::string_view name_or_path) noexcept;

  /// The options this loader was created with.
  const loader_options& options() const noexcept {
    return options_;
  }

private:
  loader_options options_;
};

/// The directories listed in the TROUPE_PROFILE_PATH environment variable
/// (':'-separated), in order; empty when it is not set.
std::vector<std::filesystem::path> profile_path_from_env();

/// Where the CLI looks for profiles: $TROUPE_PROFILE_PATH's directories,
/// then `extra_dirs`.
loader_options profile_search(const std::vector<std::string>& extra_dirs);

/// Loads a profile by name or path; prints every error to stderr (the
/// CLI's reporting).
[[nodiscard]] std::optional<settings> load_profile_or_report(const profile_loader& loader,
                                                             const std::string& name_or_path);

} // namespace troupe::config
