// File: lookup results and statistics of the tiered cache.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/fwd.hpp"
#include "troupe/cache/latency_histogram.hpp"

namespace troupe::cache {

/// A tier of the cache, in lookup order.
enum class cache_tier : std::uint8_t {
  /// In-process memory (`l1_store`).
  l1 = 0,
  /// The local cache folder (`l2_store`).
  l2 = 1,
  /// The distributed tier (`l3_tier`).
  l3 = 2,
};

/// The number of tiers, for arrays indexed by `cache_tier`.
constexpr std::size_t cache_tier_count = 3;

/// The stable name of a tier ("l1", "l2", "l3") for reports.
constexpr std::string_view to_string(cache_tier x) noexcept {
  constexpr std::string_view names[] = {"l1", "l2", "l3"};
  return names[static_cast<std::size_t>(x)];
}

/// The outcome of `tiered_cache::get`.
struct cache_lookup {
  /// The key the parts hash to; pass it to `put` after a miss.
  cache_key key;
  /// The record, or null on a miss.
  value_ptr value;
  /// The tier that answered; meaningful only when `value` is set.
  cache_tier tier = cache_tier::l1;
  /// On an L1 hit, the decoded form kept with the record (see
  /// `tiered_cache::attach`), or null.
  decoded_ptr decoded;
  /// On a miss for an (agent, input) looked up before: the names of the
  /// key parts that changed (see `diff_key_parts`), empty when the key is
  /// the same (the record was evicted, corrupt or never stored); nullopt on
  /// a hit or when there was no earlier lookup.
  std::optional<std::vector<std::string>> why_missed;

  /// Whether the lookup found a record.
  explicit operator bool() const noexcept {
    return value != nullptr;
  }
};

/// Statistics of one tier as seen through the facade.
struct tier_stats {
  /// Lookups this tier answered.
  std::uint64_t hits = 0;
  /// Lookups that reached this tier and found nothing.
  std::uint64_t misses = 0;
  /// Record bytes this tier served.
  std::uint64_t bytes_read = 0;
  /// Record bytes stored into this tier (puts and backfills).
  std::uint64_t bytes_written = 0;
  /// Writes this tier refused or failed.
  std::uint64_t write_errors = 0;
  /// Latency of this tier's lookups that hit.
  latency_histogram hit_latency;
  /// Latency of this tier's lookups that missed.
  latency_histogram miss_latency;
};

/// Statistics of one agent's lookups.
struct agent_stats {
  /// Hits per tier, indexed by `cache_tier`.
  std::array<std::uint64_t, cache_tier_count> hits{};
  /// Lookups no tier answered.
  std::uint64_t misses = 0;
  /// Misses whose key differed from the previous one for the same input.
  std::uint64_t misses_changed = 0;
  /// Record bytes served to this agent.
  std::uint64_t bytes_read = 0;
  /// Record bytes this agent stored.
  std::uint64_t bytes_written = 0;
  /// How often each key part caused a miss ("input", "settings", ...).
  std::map<std::string, std::uint64_t> changed_parts;
  /// Latency of whole lookups (all tiers tried) that hit.
  latency_histogram hit_latency;
  /// Latency of whole lookups that missed.
  latency_histogram miss_latency;
};

/// A snapshot of the facade's statistics, for report.json and the summary.
struct tiered_stats {
  /// Per tier, indexed by `cache_tier`.
  std::array<tier_stats, cache_tier_count> tiers;
  /// Per agent id.
  std::map<std::string, agent_stats, std::less<>> agents;
  /// Puts skipped because L2 writing was switched off after an error.
  std::uint64_t l2_puts_skipped = 0;
};

} // namespace troupe::cache
