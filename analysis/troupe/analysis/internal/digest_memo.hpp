// File: the content digests of a tree's files remembered by what stat says
// of them (a stat cache, as git's index): a run reads again only the files
// whose identity changed since the run that remembered them. Internal.
//
// An identity is device, inode, size, modification and change time (ns).
// Any write moves the change time, which no tool can set, so an unchanged
// identity means unchanged content; a file changed within a second before
// it was read is not remembered (a write in the same timestamp tick as the
// read would not show). One memo per cache folder, for the last root
// digested there (another root starts it afresh). The file is a hint with a
// checksum: absent, damaged or foreign, every file is read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "troupe/analysis/source_tree.hpp"
#include "troupe/cache/digest.hpp"

namespace troupe::detail {

class digest_memo {
public:
  /// The memo in `path` for the tree at `root`; empty when there is none,
  /// it is damaged or it is of another root.
  static digest_memo load(const std::string& path, const std::string& root);

  /// The digest remembered for `file` (found by the walk of `root`), when
  /// its identity is the one remembered with it.
  std::optional<cache::digest> find(const source_file& file) const;

  /// Remembers the digest of `file`'s content read at `read_at_ns` (wall
  /// clock), unless the file changed within a second before that.
  void remember(const source_file& file, const cache::digest& content,
                std::int64_t read_at_ns);

  /// Keeps only the files of `files` (those the walk found); returns
  /// whether the memo differs from the file it was loaded from.
  bool keep_only(const std::vector<source_file>& files);

  /// Replaces `path` (cache::replace_file); false when it cannot be
  /// written (the memo is a hint: nothing else fails).
  bool save(const std::string& path) const;

  std::size_t size() const noexcept {
    return rows_.size();
  }

private:
  struct row {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    cache::digest content;
  };
  static bool same_identity(const row& r, const source_file& f) noexcept;

  std::string root_;
  std::unordered_map<cache::digest, row, cache::digest_hash> rows_; // by path digest
  bool changed_ = false;
};

/// The wall clock in ns (the clock file times are in).
std::int64_t wall_clock_ns();

} // namespace troupe::detail
