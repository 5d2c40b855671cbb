// File: the last key parts seen per (agent, input), to explain misses.
//
// Usage:
//   key_history history;
//   history.load(cache_dir + "/key-history");  // optional, across runs
//   auto why = history.remember("python.symbols", "src/app.py", parts,
//                               parts.key(), /*missed=*/true);
//   if (why) for (auto& part : *why) report_changed(part);
//   history.save(cache_dir + "/key-history");
//
// Cost: a run remembers one entry per (agent, file), ~11,500 for the
// default corpus, and a warm run changes none of them. So `load` maps the
// file and checks its checksum, but decodes nothing: entries are
// fixed-size rows sorted by slot (the XXH3-128 of agent and input name),
// found by binary search in the loaded bytes, and only a miss decodes the
// old parts it is compared with. `remember` costs one hash and one search
// when the key is unchanged; entries that did change are kept apart, and
// `save` writes nothing at all when there are none (a warm run), else it
// merges them into the sorted rows and writes the file once.
//
// File layout (little endian), written to a temporary file and renamed:
//
//   0   magic "TRPKHIST"                          8 bytes
//   8   format version (2)                        u32
//   12  zero                                      u32
//   16  body length                               u64
//   24  XXH3-64 of bytes 0..24 and the body       u64
//   32  body: string count s, row count r, upstream count u, zero (4 x u32);
//       s strings (u32 length, bytes) - agent ids, versions, grammar
//       versions, settings and upstream names, each stored once;
//       r rows of 72 bytes sorted by slot: slot, key, input digest (3 x 16
//       bytes as high then low u64), agent id, agent version, grammar
//       version and settings (4 x u32 string index), first upstream and
//       upstream count (2 x u32);
//       u upstream digests of 24 bytes: name (u32 string index), zero (u32),
//       digest (high, low u64).
//
// The text format of format 1 ("troupe-key-history 1") is recognised and
// dropped without an error (the history starts afresh and is rewritten in
// the new format); anything else malformed is `errc::corrupt_record`.
//
// Input names are not stored, only their hash: the history cannot list its
// inputs, and two (agent, input) pairs whose 128-bit slots collide would
// share an entry (a wrong "why", never a wrong cache hit).
//
// Thread safety: every member function may be called from any thread (one
// internal mutex).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "troupe/cache/cache_error.hpp"
#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/key_parts.hpp"

namespace troupe::cache {

/// Remembers, per agent and logical input name, the key parts last looked
/// up, so that a miss can name the part that changed since ("why it
/// missed").
class key_history {
public:
  key_history() = default;
  /// Unmaps the loaded file.
  ~key_history();
  key_history(const key_history&) = delete;
  key_history& operator=(const key_history&) = delete;

  /// Stores `parts` (with its `key`) as the latest for (agent, input); when
  /// `missed` and an earlier entry exists, returns the names of the parts
  /// that differ from it (empty if the key is the same, i.e. the record was
  /// evicted or never stored), else nullopt. Costs no allocation when the
  /// key is unchanged.
  std::optional<std::vector<std::string>>
  remember(std::string_view agent, std::string_view input,
           const key_parts& parts, const cache_key& key, bool missed);

  /// The latest parts for (agent, input), if any.
  std::optional<key_parts> last(std::string_view agent,
                                std::string_view input) const;

  /// The number of (agent, input) pairs remembered.
  std::size_t size() const;

  /// Writes the history to `path` atomically (temporary file and rename);
  /// writes nothing when `path` is the file loaded (or last saved) and no
  /// entry changed since.
  cache_error save(const std::string& path);

  /// Replaces the history with the one in `path`; a missing file (or one in
  /// the old text format) is an empty history, a malformed one
  /// `errc::corrupt_record` (and an empty history).
  cache_error load(const std::string& path);

private:
  /// Key parts with their strings interned in `strings_`.
  struct packed_parts {
    std::uint32_t agent_id = 0;
    std::uint32_t agent_version = 0;
    std::uint32_t grammar_version = 0;
    std::uint32_t settings = 0;
    digest input;
    /// The upstream digests are upstream_[upstream_begin, + upstream_count).
    std::uint32_t upstream_begin = 0;
    std::uint32_t upstream_count = 0;
  };

  struct packed_upstream {
    std::uint32_t name;
    digest value;
  };

  struct entry {
    cache_key key;
    packed_parts parts;
  };

  std::uint32_t intern(std::string_view text);
  packed_parts pack(const key_parts& parts);
  key_parts unpack(const packed_parts& parts) const;
  /// The row of `slot` in the loaded file, or -1.
  std::ptrdiff_t find_row(const digest& slot) const noexcept;
  cache_key row_key(std::size_t row) const noexcept;
  key_parts row_parts(std::size_t row) const;
  std::optional<key_parts> last_locked(const digest& slot) const;
  void reset_locked();
  void release_file_locked();
  const char* adopt_locked();

  mutable std::mutex mtx_;
  // Interned strings; a deque keeps the views in `string_index_` valid.
  std::deque<std::string> strings_;
  std::unordered_map<std::string_view, std::uint32_t> string_index_;
  std::vector<packed_upstream> upstream_;
  // Entries remembered since the load whose key differs from the file's.
  std::unordered_map<digest, entry, digest_hash> changed_;
  // The loaded file, mapped (or read into `owned_` where mapping fails):
  // rows are read from it in place; and how its string indexes map to
  // `strings_`.
  void* map_ = nullptr;
  std::string owned_;
  const unsigned char* base_ = nullptr;
  std::size_t size_ = 0;
  std::size_t rows_offset_ = 0;
  std::size_t upstream_offset_ = 0;
  std::size_t row_count_ = 0;
  std::vector<std::uint32_t> file_strings_;
  // Changed entries whose slot is not in the file.
  std::size_t added_ = 0;
  // The file the rows came from (or were last saved to), and whether
  // anything changed since.
  std::string source_path_;
  bool dirty_ = false;
};

} // namespace troupe::cache
