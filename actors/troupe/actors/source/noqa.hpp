// File: flake8's `# noqa` comments, as flake8 5 reads them.
//
// An inline `# noqa` (any case) silences every code on its line, and
// `# noqa: F401,E5` the codes listed or starting with a listed prefix;
// a line `# flake8: noqa` silences the whole file. flake8 searches the
// physical lines of a reported line's token run: the lines a multi-line
// string or a backslash continuation joins (a newline inside brackets ends
// a run).
#pragma once

#include <string_view>

namespace troupe::actors {

/// What `# noqa` marks a file holds.
struct noqa_marks {
  /// A `# flake8: noqa` line (NOQA_FILE): flake8 reports nothing in it.
  bool file = false;
  /// Some inline `# noqa` stands somewhere.
  bool inline_comment = false;
};

/// Finds the noqa marks of a file's text.
[[nodiscard]] noqa_marks find_noqa(std::string_view text) noexcept;

/// Whether flake8's NOQA_INLINE_REGEXP, searched in `lines`, silences
/// `code` (e.g. "F401").
[[nodiscard]] bool noqa_silences(std::string_view lines, std::string_view code);

} // namespace troupe::actors
