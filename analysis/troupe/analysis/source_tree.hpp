// File: finding the files of a source tree to analyse.
#pragma once

#include "troupe/base/error.hpp"

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

/// Which files a walk leaves out.
struct walk_options {
  /// Patterns in .gitignore syntax, anchored at the root (`build/`,
  /// `*_pb2.py`, `tests/**/data`); a `!pattern` re-includes what a default
  /// exclude or a .gitignore left out.
  std::vector<std::string> exclude;
  /// Leave out the usual tool folders (default_exclude_names()) and every
  /// folder holding a `pyvenv.cfg` (a virtual environment of any name).
  bool default_excludes = true;
  /// When the root lies in a git work tree: leave out what its .gitignore
  /// files (the root's, its parents' up to the work tree's top and every
  /// nested one) and `.git/info/exclude` ignore.
  bool gitignore = true;
};

/// The folder names default_excludes leaves out.
const std::vector<std::string>& default_exclude_names();

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
  /// Folders and Python files left out, by what left them out.
  std::uint32_t excluded_by_default = 0;
  std::uint32_t excluded_by_gitignore = 0;
  std::uint32_t excluded_by_option = 0;
  /// When the root is itself a package (it holds an `__init__.py`): its
  /// dotted name, from the highest folder above it that is a package too
  /// (`/usr/lib/python3.11/json` -> `json`); empty otherwise.
  std::string package;
  /// The top of the git work tree holding the root, when .gitignore files
  /// were read; empty otherwise.
  std::string git_work_tree;
};

/// Walks `root` for `*.py` files, following symlinks but never into a
/// directory already visited, so symlink loops end. errc::not_found naming
/// the root when it does not exist or is not a readable directory.
[[nodiscard]] error walk_source_tree(const std::string& root, source_tree& out);

/// Walks as above, leaving out what `options` excludes.
[[nodiscard]] error walk_source_tree(const std::string& root, const walk_options& options,
                                     source_tree& out);

} // namespace troupe
