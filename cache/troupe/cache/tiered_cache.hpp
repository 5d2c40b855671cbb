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
// Thread safety: every member function may be called from any thread; the
// stores lock themselves, and one facade mutex guards the statistics for a
// few increments per call. An L1 hit allocates nothing once its agent and
// input were seen.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string_view>

#include "troupe/cache/cache_error.hpp"
#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/cache_stats.hpp"
#include "troupe/cache/fwd.hpp"
#include "troupe/cache/key_history.hpp"
#include "troupe/cache/key_parts.hpp"

namespace troupe::cache {

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

private:
  using clock = std::chrono::steady_clock;

  void note_written(cache_tier tier, std::size_t bytes, bool ok);
  void backfill(cache_tier found_in, const cache_key& key,
                const value_ptr& value);

  std::shared_ptr<l1_store> l1_;
  std::shared_ptr<l2_store> l2_;
  std::shared_ptr<l3_tier> l3_;
  key_history history_;
  std::atomic<bool> l2_writable_{true};
  mutable std::mutex mtx_;
  tiered_stats stats_;
};

} // namespace troupe::cache
