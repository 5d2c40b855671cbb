// File: configuration, counters and reports of the on-disk cache tier (L2).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace spdlog {
class logger;
} // namespace spdlog

namespace troupe::cache {

/// The steps of writing an L2 record, named so tests can inject faults.
enum class l2_write_step {
  /// Creating the record's fan-out folder.
  create_dir,
  /// Creating the temporary file.
  create_temp,
  /// Writing header and payload.
  write,
  /// Fsyncing the temporary file.
  sync_file,
  /// Renaming it over the record.
  rename,
  /// Fsyncing the fan-out folder.
  sync_dir,
};

/// Returns an errno to fail `step` with, or 0 to let it run; for tests that
/// simulate a full or read-only disk.
using l2_fault_hook = std::function<int(l2_write_step step)>;

/// Where an `l2_store` keeps its records and how much it may use.
struct l2_options {
  /// The cache folder; created with its parents at `open()`.
  std::string directory;
  /// Where the store logs (corrupt records); null: a "troupe.cache" logger
  /// on standard error, never spdlog's global one.
  std::shared_ptr<spdlog::logger> log;
  /// Eviction (least recently used first) keeps the records this process
  /// knows of within this many bytes.
  std::uint64_t max_bytes = 2ull << 30;
  /// A temporary file older than this is a leftover of a crashed writer
  /// even if its writer's pid is in use again.
  std::chrono::seconds stale_temp_age = std::chrono::seconds(60);
  /// A hit refreshes a record's mtime (its recency for eviction by any
  /// process) at most this often.
  std::chrono::seconds touch_interval = std::chrono::seconds(60);
  /// Whether writes fsync the record and its folder; turn off only for
  /// throwaway caches, since a power loss may then leave empty records.
  bool sync = true;
  /// Group commit: when > 0, `put` writes the temporary file and queues it;
  /// every `commit_batch` puts (and at `commit()` or destruction) the store
  /// syncs the batch's files together (write-back started for all, then
  /// waited for), renames them into place and syncs their folders. Records
  /// are as durable as with per-record fsyncs, at about one journal commit
  /// per batch instead of two per record; queued records are not yet
  /// visible to readers. 0 commits every put on its own.
  std::size_t commit_batch = 0;
  /// Under group commit, a batch is also committed once its oldest record
  /// has waited this long (well below stale_temp_age, after which another
  /// process may take a queued temporary file for a dead writer's).
  std::chrono::seconds commit_delay = std::chrono::seconds(5);
  /// The saved record index: 0 (the default) lists every record of the
  /// folder at `open()`. Else `commit()` saves the store's record index
  /// (keys, sizes, recency) next to the records, and `open()` reads it
  /// instead of listing the folder while the listing it derives from is
  /// younger than this. It is a hint: reads never depend on it; records
  /// another process wrote or evicted since are counted at the next
  /// listing (until then the byte bound may be passed by what they added,
  /// or an eviction may pick a record already gone), and temporary files
  /// of dead writers are removed at listings only.
  std::chrono::seconds index_max_age = std::chrono::seconds(0);
  /// Fault injection for tests; empty in production.
  l2_fault_hook fault_hook;
};

/// Counters of an `l2_store`, as a consistent snapshot.
struct l2_stats {
  /// Lookups that returned a verified record.
  std::uint64_t hits = 0;
  /// Lookups that found no usable record (absent or corrupt).
  std::uint64_t misses = 0;
  /// Records that failed a format or checksum check (each also a miss).
  std::uint64_t corrupt = 0;
  /// Records written.
  std::uint64_t writes = 0;
  /// Writes that failed (full disk, read-only folder, ...).
  std::uint64_t write_errors = 0;
  /// Records removed to stay within `max_bytes`.
  std::uint64_t evictions = 0;
  /// Temporary files of crashed writers removed.
  std::uint64_t stale_temps_removed = 0;
  /// Record bytes (headers included) this process knows to be on disk.
  std::uint64_t bytes = 0;
  /// Records this process knows to be on disk.
  std::uint64_t entries = 0;
};

/// One record that `l2_store::verify` found unusable.
struct l2_bad_record {
  /// The file's path.
  std::string path;
  /// Why it is unusable: "empty", "truncated", "bad magic", ...
  std::string reason;
};

/// The result of `l2_store::verify`.
struct l2_verify_report {
  /// Record files examined.
  std::uint64_t records = 0;
  /// Records that read back intact.
  std::uint64_t intact = 0;
  /// Bytes of the intact records.
  std::uint64_t bytes = 0;
  /// The unusable records.
  std::vector<l2_bad_record> bad;
  /// How many of the unusable records were removed.
  std::uint64_t removed = 0;
};

/// The result of `l2_store::gc`.
struct l2_gc_report {
  /// Records on disk before collecting.
  std::uint64_t records_before = 0;
  /// Bytes on disk before collecting.
  std::uint64_t bytes_before = 0;
  /// Records removed, oldest access first.
  std::uint64_t removed = 0;
  /// Records on disk afterwards.
  std::uint64_t records_after = 0;
  /// Bytes on disk afterwards.
  std::uint64_t bytes_after = 0;
};

} // namespace troupe::cache
