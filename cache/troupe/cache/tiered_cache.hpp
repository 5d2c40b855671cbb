// File: the read-through cache facade over L1, L2 and an optional L3.
//
// Usage:
//   auto l1 = std::make_shared<l1_store>(l1_options{});
//   auto l2 = std::make_shared<l2_store>(l2_opts);
//   if (auto err = l2->open()) { warn(err.message()); l2 = nullptr; }
//   tiered_cache cache{l1, l2};
//
//   auto found = cache.get(parts, "src/app.py");
//   if (found) return *found.value;
//   if (found.why_missed) log_changed(*found.why_missed);
//   auto value = make_value(run_agent());
//   if (auto err = cache.put(found.key, parts.agent_id, value))
//     spdlog::warn("running uncached: {}", err.message()); // once
//
// Records of one input (the group-1 records of one source file) are looked
// up and stored together: `get_group` asks L1 per record, then reads the
// input's bundle from L2 once (record_bundle.hpp) for every record L1 did
// not have, then asks L3 for the same bundle once (a network round trip
// per file, not per record; a bundle found there is written to L2 as it
// is); `put_group` stores the records computed after such a lookup in L1
// one by one and the bundle, rewritten once with the entries that were
// still valid, in L2 and L3. Statistics stay per
// record and per agent: L2 hits and misses count records, and an L2
// latency sample is one bundle read.
//
//   std::vector<key_parts> parts = ...;  // one per agent, same input
//   auto found = cache.get_group(bundle_key("group1", digest), parts, path);
//   if (!found.complete()) {
//     std::vector<value_ptr> values;     // found values, computed others
//     ...
//     cache.put_group(found, values);
//   }
//
// Thread safety: every member function may be called from any thread; the
// stores lock themselves, and one facade mutex guards the statistics for a
// few increments per call. An L1 hit allocates nothing once its agent and
// input were seen.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "troupe/cache/cache_error.hpp"
#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/cache_stats.hpp"
#include "troupe/cache/fwd.hpp"
#include "troupe/cache/key_history.hpp"
#include "troupe/cache/key_parts.hpp"

namespace spdlog {
class logger;
} // namespace spdlog

namespace troupe::cache {

/// The outcome of `tiered_cache::get_group`: one lookup per member, plus
/// what `put_group` needs to rewrite the bundle.
struct group_lookup {
  /// The L2 key of the bundle (`bundle_key(group, input)`).
  cache_key bundle;
  /// Per member, in the order of the parts asked for: key, value (null on a
  /// miss), tier and why it missed.
  std::vector<cache_lookup> members;
  /// The members' agent ids, same order.
  std::vector<std::string> agents;
  /// The bundle as read from L2 when it held entries of agents that are
  /// not members (another build's): `put_group` keeps those entries.
  value_ptr stored;
  /// Whether L2 was asked and lacked some member.
  bool l2_incomplete = false;

  /// Whether every member was found.
  bool complete() const noexcept {
    for (const auto& m : members)
      if (!m.value)
        return false;
    return true;
  }
};

/// Looks records up in L1, then L2, then L3, filling the faster tiers on a
/// hit in a slower one (backfill), and writes new records to every tier.
class tiered_cache {
public:
  /// Combines the given tiers; any of them may be null (absent).
  tiered_cache(std::shared_ptr<l1_store> l1, std::shared_ptr<l2_store> l2,
               std::shared_ptr<l3_tier> l3 = nullptr);

  tiered_cache(const tiered_cache&) = delete;
  tiered_cache& operator=(const tiered_cache&) = delete;

  /// Looks up the record for `parts`, where `input_name` is the logical
  /// input (e.g. a path relative to the checkout) used only to explain
  /// misses; never caches the miss itself.
  cache_lookup get(const key_parts& parts, std::string_view input_name);

  /// Like `get(parts, input_name)` for a caller that already holds `key`,
  /// which must equal `parts.key()`.
  cache_lookup get(const key_parts& parts, const cache_key& key,
                   std::string_view input_name);

  /// Stores `value` (a successful result; null is ignored, so failures are
  /// never cached) under `key` in every tier. Returns the first L2 write
  /// error, after which L2 is no longer written to (reads continue): the
  /// caller warns once and the run goes on with L1 only.
  cache_error put(const cache_key& key, std::string_view agent,
                  const value_ptr& value);

  /// Looks up the records of several agents for one input: `parts` holds
  /// one entry per agent (distinct agent ids), `bundle` is the L2 and L3
  /// key of the input's bundle. L1 is asked per record; L2 once, for the
  /// bundle, when L1 lacked some record; L3 once, for the bundle, when
  /// records are still missing (written to L2 as found). Statistics, the key history
  /// and why-missed are per member, as with `get`.
  group_lookup get_group(const cache_key& bundle, const std::vector<key_parts>& parts,
                         std::string_view input_name);

  /// Asks L3 at once for those of `bundles` (bundle keys, as `get_group`
  /// takes them) that L2 does not list, so that the `get_group` calls that
  /// follow find them without a round trip each. Does nothing without L3.
  /// At most `max_prefetched` values wait at a time (the rest are asked
  /// for by their lookups); the caller drops what its lookups did not take.
  void prefetch_l3(const std::vector<cache_key>& bundles);
  void drop_prefetched(const std::vector<cache_key>& bundles);
  static constexpr std::size_t max_prefetched = 256;

  /// Stores the members' records after `get_group`: `values` has one entry
  /// per member (the found value, a newly computed one, or null for a
  /// member that failed and is not cached). New values go to L1 and L3; if
  /// any value is new or L2 lacked a member, the bundle is rewritten once
  /// with every non-null member plus the stored entries of other agents.
  /// Errors as with `put`.
  cache_error put_group(const group_lookup& found, const std::vector<value_ptr>& values);

  /// Keeps `decoded`, the decoded form of a record found or stored under
  /// `found` (its key and value), in L1 next to the bytes, so later hits in
  /// this process hand it out as cache_lookup::decoded and decode nothing;
  /// `bytes` estimates its size for L1's bound. For a stored record, set
  /// `found.value` to the value passed to `put`/`put_group`. Returns
  /// whether L1 kept it (it may hold another value by now, or none).
  bool attach(const cache_lookup& found, decoded_ptr decoded, std::uint64_t bytes);

  /// Where the facade logs (L2 or L3 write failures); by default a
  /// "troupe.cache" logger on standard error, never spdlog's global one.
  void set_logger(std::shared_ptr<spdlog::logger> log);

  /// Where L2 writes go instead of this thread: the runtime hands them to
  /// its L2 actor, which owns the folder and orders its writes (it reports
  /// each write back through `note_l2_write`). Without one, writes happen
  /// on the calling thread.
  using l2_writer = std::function<void(const cache_key& key, value_ptr payload)>;
  void set_l2_writer(l2_writer writer);

  /// Counts a write the L2 writer made; the first failure stops further L2
  /// writes (reads continue) and is returned by `take_l2_error`.
  void note_l2_write(std::size_t bytes, const cache_error& err);

  /// The L2 write failure that stopped L2 writes, once (empty otherwise).
  cache_error take_l2_error();

  /// A snapshot of the statistics.
  tiered_stats stats() const;

  /// Whether L2 is still being written to.
  bool l2_writable() const noexcept {
    return l2_writable_.load(std::memory_order_relaxed);
  }

  /// The remembered key parts, e.g. to `save` them for the next run.
  key_history& history() noexcept {
    return history_;
  }

  /// The L1 tier, or null.
  const std::shared_ptr<l1_store>& l1() const noexcept {
    return l1_;
  }

  /// The L2 tier, or null.
  const std::shared_ptr<l2_store>& l2() const noexcept {
    return l2_;
  }

  /// The L3 tier, or null.
  const std::shared_ptr<l3_tier>& l3() const noexcept {
    return l3_;
  }

  /// Sets (or, with null, removes) the L3 tier: a process learns its
  /// cluster's shards when it joins, after its cache opened. Not while
  /// lookups run.
  void set_l3(std::shared_ptr<l3_tier> l3) {
    l3_ = std::move(l3);
  }

private:
  using clock = std::chrono::steady_clock;

  void note_written(cache_tier tier, std::size_t bytes, bool ok);
  /// Writes `payload` to L2 here or through the L2 writer; returns an
  /// error only when written here and it failed.
  cache_error write_l2(const cache_key& key, value_ptr payload);
  /// Offers L1 a record computed here (`read` false) or read from a slower
  /// tier (`read` true), as its admission policy decides.
  void keep_in_l1(const cache_key& key, const value_ptr& value, bool read);
  void backfill(cache_tier found_in, const cache_key& key,
                const value_ptr& value);
  /// The bundle of `found`'s members with `values`, plus the stored
  /// entries of other agents.
  static std::string bundle_payload(const group_lookup& found,
                                    const std::vector<value_ptr>& values);

  std::shared_ptr<l1_store> l1_;
  std::shared_ptr<l2_store> l2_;
  std::shared_ptr<l3_tier> l3_;
  l2_writer l2_writer_;
  std::shared_ptr<spdlog::logger> log_;
  cache_error l2_error_;
  bool l2_error_taken_ = false;
  key_history history_;
  std::atomic<bool> l2_writable_{true};
  mutable std::mutex mtx_;
  tiered_stats stats_;
  std::mutex prefetch_mtx_;
  std::unordered_map<cache_key, value_ptr> prefetched_;
};

} // namespace troupe::cache
