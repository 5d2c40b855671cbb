// File: the on-disk cache tier (L2), a folder of checksummed records.
//
// Layout: `<directory>/<first two hex digits>/<32 hex digits>.rec`; each file
// is a 48-byte header (magic "TRPCACHE", format version, header size, key,
// payload length, XXH3-64 over header and payload) followed by the payload.
// The store does not interpret payloads; runs store one bundle of records
// per source file (record_bundle.hpp), and `verify` also checks the inner
// layout of every payload that is a bundle.
// A record is written to `.tmp-...` in its final folder, fsynced, renamed
// over the old one and the folder fsynced, so readers (in this or another
// process) only ever see whole records; a record that still fails its checks
// is counted as corrupt, treated as a miss and replaced on the next put.
//
// Usage:
//   l2_options opts;
//   opts.directory = "/home/me/.cache/troupe";
//   l2_store l2{opts};
//   if (auto err = l2.open())
//     spdlog::warn("cache disabled: {}", err.message());
//   if (value_ptr hit = l2.get(key)) use(*hit);
//   else if (auto err = l2.put(key, bytes)) warn_once(err.message());
//
// Thread safety: every member function may be called from any thread; file
// reads and writes run outside the store's mutex, which guards only the
// in-memory index and counters. Several processes may share one folder: a
// record another process evicted is simply a miss.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "troupe/cache/cache_error.hpp"
#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/fwd.hpp"
#include "troupe/cache/l2_options.hpp"

namespace troupe::cache {

/// Checks a payload's own format after the record's checksum passed;
/// returns nullptr when usable, else why not (a short reason).
using l2_payload_check = const char* (*)(std::string_view payload);

/// A grow-only buffer `l2_store::read` fills: reused from read to read, so
/// that a record costs neither a fresh allocation (page faults) nor a
/// zero-fill; its view stays valid until the next read into it.
class l2_read_buffer {
public:
  /// The payload of the last successful read.
  std::string_view view() const noexcept {
    return {data_.get(), size_};
  }

private:
  friend class l2_store;
  char* reserve(std::size_t n);
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

/// A byte-bounded, least-recently-used store of records in a folder.
class l2_store {
public:
  /// Prepares a store for `options.directory`; touches nothing until `open`.
  explicit l2_store(l2_options options);

  /// Commits the queued records of a group commit.
  ~l2_store();

  /// Syncs, renames and indexes the records queued by `put` under group
  /// commit (see l2_options::commit_batch), then saves the record index
  /// when l2_options::index_max_age asks for one; returns the first error.
  cache_error commit();

  l2_store(const l2_store&) = delete;
  l2_store& operator=(const l2_store&) = delete;

  /// Creates the folder, removes temporary files of dead or long-gone
  /// writers and indexes the records on disk (or reads the saved index,
  /// see l2_options::index_max_age); on error the store still works as an
  /// always-missing cache whose puts fail.
  cache_error open();

  /// The verified record under `key`, or null when it is absent or corrupt
  /// (a corrupt file is counted and removed). `check`, when given, is
  /// applied to a payload that passed the header and checksum checks (e.g.
  /// `check_bundle`): a payload it rejects is handled like a checksum
  /// failure.
  value_ptr get(const cache_key& key, l2_payload_check check = nullptr);

  /// Whether the folder's index lists `key` (a hint: the record may still
  /// turn out damaged or be evicted before it is read).
  bool holds(const cache_key& key) const;

  /// Like `get`, but reads the payload into `buffer` instead of a new
  /// shared string, for callers that copy parts out of it (bundles);
  /// returns whether a verified record was read.
  bool read(const cache_key& key, l2_read_buffer& buffer, l2_payload_check check = nullptr);

  /// Writes `payload` under `key` atomically, replacing any previous (also
  /// corrupt) record, then evicts beyond `max_bytes`; on a full or
  /// read-only disk returns the error and leaves no file behind.
  cache_error put(const cache_key& key, std::string_view payload);

  /// Removes the record under `key`; returns whether a file was removed.
  bool erase(const cache_key& key);

  /// Reads every record on disk and reports the unusable ones, removing
  /// them when `remove_bad` is set (`troupe cache verify`).
  l2_verify_report verify(bool remove_bad);

  /// Removes every record and stale temporary file (`troupe cache clear`);
  /// returns the first failure, if any.
  cache_error clear();

  /// Re-reads the folder, then removes records, least recently used first,
  /// until at most `max_bytes` remain (`troupe cache gc`).
  l2_gc_report gc(std::uint64_t max_bytes);

  /// A snapshot of the counters (`troupe cache stats`).
  l2_stats stats() const;

  /// The path of the record under `key`, whether or not it exists.
  std::string record_path(const cache_key& key) const;

  /// The options this store was created with.
  const l2_options& options() const noexcept {
    return options_;
  }

private:
  struct index_entry {
    std::uint64_t size;
    std::list<cache_key>::iterator lru_pos;
  };

  struct scan_result {
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
  };

  template <class Alloc>
  const char* read_file(const cache_key& key, Alloc&& alloc, l2_payload_check check);
  /// Removes what stands at a record's place but is no record file (a
  /// folder, a symlink, a device), counting it as corrupt; returns `why`.
  const char* take_out(const cache_key& key, const std::string& path, const char* why);
  /// Renames a written record into place, first removing a folder that
  /// took its place; 0 or an errno.
  static int rename_record(const std::string& temp, const std::string& path);
  std::string fanout_path(const cache_key& key) const;
  int inject(l2_write_step step) const;
  cache_error write_error(const std::string& what, const std::string& path,
                          int err);
  scan_result rescan();
  /// The saved index (cache/src/l2_index.cpp): loads it when it is intact
  /// and its listing young enough, else returns false; saves this store's
  /// view when it changed since.
  std::string index_path() const;
  bool load_index();
  void save_index();
  void remove_stale_temp(const std::string& path, std::int64_t mtime);
  void note_present(const cache_key& key, std::uint64_t size);
  void forget(const cache_key& key);
  void evict_to(std::uint64_t max_bytes, const cache_key* keep);

  /// A record written to its temporary file, waiting for the group commit.
  struct queued_record {
    std::string temp;
    std::string path;
    cache_key key;
    std::uint64_t size;
  };

  cache_error publish(std::vector<queued_record> batch);
  /// Writes back the data of every temporary file of `batch`; `errors[i]`
  /// gets the errno of a file that could not be synced (else 0).
  void sync_data(const std::vector<queued_record>& batch, std::vector<int>& errors) const;
  /// Makes the renames of a published batch durable, and with them the
  /// data sync_data wrote; returns 0 or an errno.
  int sync_renames(const std::string& last_folder) const;

  l2_options options_;
  /// Whether the folder is on a file system whose journal commits in order
  /// (ext4, xfs): a batch is then synced file by file and one folder sync
  /// commits it; else with a sync of the whole file system (set by open()).
  bool ordered_journal_ = false;
  std::vector<queued_record> queued_;
  std::chrono::steady_clock::time_point first_queued_;
  mutable std::mutex mtx_;
  // Most recently used first.
  std::list<cache_key> lru_;
  std::unordered_map<cache_key, index_entry> index_;
  /// When the folder was last listed (unix seconds; carried over from a
  /// loaded index), and whether the index changed since loaded or saved.
  std::int64_t listed_at_ = 0;
  bool index_dirty_ = false;
  l2_stats stats_;
};

} // namespace troupe::cache
