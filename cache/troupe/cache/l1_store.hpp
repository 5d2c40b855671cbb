// File: the in-process cache tier (L1).
//
// Usage:
//   l1_options opts;
//   opts.max_bytes = 256 << 20;
//   opts.ttl = std::chrono::minutes(10);
//   l1_store l1{opts};
//   l1.put(key, make_value(std::move(bytes)));
//   if (value_ptr hit = l1.get(key)) use(*hit);
//
// Thread safety: every member function may be called from any thread; one
// mutex guards the whole store, held for a hash lookup and a list splice
// only. An actor owning the store never blocks on another actor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/fwd.hpp"

namespace troupe::cache {

/// The clock L1 measures time to live with; replaceable for tests.
using l1_clock = std::function<std::chrono::steady_clock::time_point()>;

/// Which records an l1_store keeps.
enum class l1_admission : std::uint8_t {
  /// Every record stored or read from a slower tier (L2, L3): the process
  /// will likely ask again (a host that analyses the same inputs
  /// repeatedly).
  always,
  /// Stored records; a record read from a slower tier from its second read
  /// in this store's life on.
  second_read,
  /// Any record from its second use (stored or read) on: for one analysis
  /// per process (`troupe run`), where a record is used once unless two
  /// files share a content, so records used once take no memory.
  second_use,
};

/// Bounds and policy of an `l1_store`.
struct l1_options {
  /// The store never holds more value bytes than this.
  std::uint64_t max_bytes = 256ull << 20;
  /// The store never holds more entries than this.
  std::uint64_t max_entries = 1'000'000;
  /// An entry expires this long after it was put; zero means never.
  std::chrono::milliseconds ttl = std::chrono::hours(1);
  /// The time source; `steady_clock::now` when empty.
  l1_clock clock;
  /// What `put` and `backfill` keep.
  l1_admission admission = l1_admission::always;
};

/// Counters of an `l1_store`, as a consistent snapshot.
struct l1_stats {
  /// Lookups that found a live entry.
  std::uint64_t hits = 0;
  /// Lookups that found nothing or an expired entry.
  std::uint64_t misses = 0;
  /// Entries dropped to stay within the byte or entry bound.
  std::uint64_t evictions = 0;
  /// Entries dropped because their time to live had passed.
  std::uint64_t expirations = 0;
  /// Values not stored because they alone exceed `max_bytes`.
  std::uint64_t rejected = 0;
  /// Value bytes currently held, with the estimated size of attached
  /// decoded forms.
  std::uint64_t bytes = 0;
  /// Entries currently held.
  std::uint64_t entries = 0;
};

/// A bounded, least-recently-used map from keys to shared immutable values
/// with a time to live.
class l1_store {
public:
  /// Creates an empty store with the given bounds.
  explicit l1_store(l1_options options = {});

  l1_store(const l1_store&) = delete;
  l1_store& operator=(const l1_store&) = delete;

  /// The value under `key`, or null; a hit marks the entry most recently
  /// used and costs no allocation and no copy of the bytes. With `decoded`,
  /// also hands out the decoded form attached to the entry (or null).
  value_ptr get(const cache_key& key, decoded_ptr* decoded = nullptr);

  /// Keeps `decoded`, the decoded form of `value`, with the entry under
  /// `key` if that entry still holds `value` (so a replaced value never
  /// carries another's objects); `bytes`, its estimated size, counts
  /// against max_bytes. Returns whether it was attached.
  bool attach(const cache_key& key, const value_ptr& value, decoded_ptr decoded,
              std::uint64_t bytes);

  /// Stores `value` under `key` (replacing any previous one) and evicts the
  /// least recently used entries beyond the bounds; returns false and stores
  /// nothing when `value` is null, alone exceeds `max_bytes`, or the
  /// admission policy (l1_options::admission) says not yet.
  bool put(const cache_key& key, value_ptr value);

  /// Stores `value`, just read from a slower tier, as `put` does when the
  /// admission policy (l1_options::admission) says so; returns whether it
  /// was stored.
  bool backfill(const cache_key& key, value_ptr value);

  /// Removes the entry under `key`; returns whether there was one.
  bool erase(const cache_key& key);

  /// Drops every expired entry now instead of on their next lookup.
  void purge_expired();

  /// Removes every entry; counters other than bytes and entries are kept.
  void clear();

  /// A snapshot of the counters.
  l1_stats stats() const;

  /// The bounds this store was created with.
  const l1_options& options() const noexcept {
    return options_;
  }

private:
  using time_point = std::chrono::steady_clock::time_point;

  struct entry {
    cache_key key;
    value_ptr value;
    time_point expires;
    decoded_ptr decoded;
    /// Bytes the entry counts against max_bytes: the value's and the
    /// decoded form's estimate.
    std::uint64_t charged = 0;
  };

  using lru_list = std::list<entry>;

  time_point now() const;
  /// Whether this is the first use of `key` (remembered, not kept).
  bool first_use(const cache_key& key);
  /// `put` without the admission check; `value` is not null.
  bool store(const cache_key& key, value_ptr value);
  bool expired(const entry& x, time_point t) const noexcept;
  void drop(lru_list::iterator pos);
  void shrink_to_bounds(time_point t);

  l1_options options_;
  mutable std::mutex mtx_;
  // Most recently used first.
  lru_list lru_;
  std::unordered_map<cache_key, lru_list::iterator> index_;
  /// Keys used once and not kept (second_read, second_use).
  std::unordered_set<cache_key> used_once_;
  l1_stats stats_;
};

} // namespace troupe::cache
