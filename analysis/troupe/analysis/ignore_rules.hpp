// File: path patterns in .gitignore syntax, for leaving files out of a walk.
//
// The same syntax serves a .gitignore file, `.git/info/exclude`, the
// `--exclude GLOB` option and the profile's `analysis.exclude` list:
// `*`, `?`, `[a-z]` and `**` as git's wildmatch reads them, a leading `!`
// re-includes, a trailing `/` matches folders only, and a pattern with a
// `/` before its end is anchored at the folder that holds the rules (a
// pattern without one matches a name at any depth below it).
//
// Thread-safety: const member functions may be called from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace troupe {

/// Whether `path` matches the glob `pattern`, as git's wildmatch with
/// WM_PATHNAME: `*`, `?` and `[...]` never match a `/`; `**/`, `/**/` and
/// a trailing `/**` span folders.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view path) noexcept;

/// An ordered list of ignore patterns read from one place.
class ignore_rules {
public:
  /// What a path's last matching pattern says.
  enum class verdict { none, ignored, included };

  /// Parses the lines of a .gitignore file (comments, blank lines and
  /// trailing spaces skipped as git does).
  [[nodiscard]] static ignore_rules parse(std::string_view text);

  /// Adds one pattern line.
  void add(std::string_view line);

  /// The verdict of the last pattern matching `rel` (the path relative to
  /// the folder of these rules, '/'-separated, no leading '/').
  [[nodiscard]] verdict match(std::string_view rel, bool is_dir) const noexcept;

  /// Whether no pattern was added.
  [[nodiscard]] bool empty() const noexcept {
    return patterns_.empty();
  }

private:
  struct pattern {
    std::string glob;
    bool negated = false;
    bool dir_only = false;
    bool anchored = false;
  };
  std::vector<pattern> patterns_;
};

} // namespace troupe
