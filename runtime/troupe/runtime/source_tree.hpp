// File: finding the files of a source tree to analyse.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace troupe {

/// One file found below the root.
struct source_file {
  /// Path relative to the root, with '/' separators; for a name that is not
  /// UTF-8, as actors::escape_non_utf8 shows it (see `name_not_utf8`).
  std::string path;
  /// Size in bytes when it was found.
  std::uint64_t bytes = 0;
  /// What stat said of it then besides the size (device, inode, times in
  /// ns since the epoch): its identity for the digest memo.
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  /// The file's path is not UTF-8: `path` is its escaped form, which names
  /// no file; the run reports it as skipped (state `bad_name`) unread.
  bool name_not_utf8 = false;
};

/// What a walk found.
struct source_tree {
  /// Absolute, normalised root.
  std::string root;
  /// Python files in a stable (lexicographic) order.
  std::vector<source_file> files;
  /// Directories or files that could not be read, with the reason (paths
  /// that are not UTF-8 escaped as in source_file::path).
  std::vector<std::string> warnings;
  /// Directory symlinks not followed because they lead into a directory
  /// already visited (a loop or a second way into the same folder).
  std::uint32_t symlink_loops = 0;
};

/// Walks `root` for `*.py` files, following symlinks but never into a
/// directory already visited, so symlink loops end. Returns false with
/// `error` set when the root does not exist or is not a readable directory.
[[nodiscard]] bool walk_source_tree(const std::string& root, source_tree& out,
                                    std::string& error);

} // namespace troupe
