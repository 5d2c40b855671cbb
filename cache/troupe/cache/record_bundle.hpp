// File: the records of one input packed into one L2 entry (a bundle).
//
// Why: a run asks for one record per (file agent, file). Stored one file per
// record, a warm run of 1,650 files opened ~11,000 small files and a cold
// run created as many; a bundle holds every group-1 record of one input, so
// a run opens (and a cold run writes) one L2 file per source file.
//
// Identity: a bundle is stored in L2 under `bundle_key(group, input)`, the
// XXH3-128 of a domain string, a group name (e.g. "group1") and the input's
// content digest: no agent id or version, no path. Inside, every entry
// carries the full per-agent key of DESIGN.md's "Cache" section (agent id
// and version, grammar version, settings, input digest, upstream digests),
// and a member is served only when its entry's key equals the key asked
// for. So there are no false hits, and the invalidation is per agent: when
// one agent's version (or settings) changes, only that agent's entry
// misses; it is recomputed and the bundle rewritten with the other entries
// unchanged. Entries of agents a run did not ask for (another build with
// more agents sharing the folder) are carried over when a bundle is
// rewritten; an agent's superseded entry (an older version) is replaced,
// so a bundle holds at most one entry per agent id.
//
// Layout (the payload of an ordinary L2 record, which adds the header with
// magic, format version, length and the XXH3 checksum over header and
// payload; little endian):
//
//   0   magic "TRPBUNDL"                     8 bytes
//   8   bundle format version (1)            u32
//   12  entry count n                        u32
//   16  n x { key high u64, key low u64,
//             agent id length u32, record length u32 }   24 bytes each
//   ..  the n agent ids and records, in entry order, id then record
//
// Nothing may follow the last record. Any other payload under a bundle key
// (an old single-record file, a bundle of another format version, a
// truncated or inconsistent table) fails `check_bundle` and is treated like
// a checksum failure: counted as corrupt, a miss for every member, removed,
// and rewritten by the next put.
//
// Thread safety: pure functions on values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/digest.hpp"

namespace troupe::cache {

/// Bumped whenever the bundle layout changes; other versions read as corrupt.
constexpr std::uint32_t bundle_format_version = 1;

/// One record in a bundle, as views into the bundle's bytes.
struct bundle_entry_view {
  /// The record's full per-agent key.
  cache_key key;
  /// The agent that produced it.
  std::string_view agent;
  /// The record's bytes.
  std::string_view record;
};

/// One record to pack (views: the bytes must outlive `encode_bundle`).
struct bundle_entry {
  /// The record's full per-agent key.
  cache_key key;
  /// The agent that produced it; not empty.
  std::string_view agent;
  /// The record's bytes.
  std::string_view record;
};

/// The L2 key of the bundle of `group`'s records for the input `input`.
cache_key bundle_key(std::string_view group, const digest& input) noexcept;

/// Encodes entries (in the given order) into a bundle payload.
std::string encode_bundle(const std::vector<bundle_entry>& entries);

/// Whether `payload` looks like a bundle (starts with the bundle magic),
/// whatever its state.
bool is_bundle(std::string_view payload) noexcept;

/// Decodes a bundle into views of `payload` (which must outlive them);
/// returns nullptr when it is well-formed, else why not ("not a bundle",
/// "unsupported bundle version", "truncated bundle", "bad bundle table",
/// "trailing bytes in bundle").
const char* decode_bundle(std::string_view payload, std::vector<bundle_entry_view>& out);

/// `decode_bundle` without keeping the entries: the check `l2_store::get`
/// applies to bundle payloads.
const char* check_bundle(std::string_view payload);

} // namespace troupe::cache
