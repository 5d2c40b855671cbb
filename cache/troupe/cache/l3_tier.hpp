// File: the seam for a distributed cache tier (L3), not implemented here.
//
// DESIGN.md: one cache-shard actor per node; a key belongs to a shard by
// rendezvous hashing over live members. An implementation adapts that group
// to this interface and hands it to `tiered_cache`; without one the facade
// simply has two tiers.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "troupe/cache/cache_error.hpp"
#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/fwd.hpp"

namespace troupe::cache {

/// A remote cache tier consulted after L1 and L2.
///
/// Thread safety: implementations must accept calls from any thread, and
/// must return within a bounded time: a shard that vanished or does not
/// answer is a miss (null), never a hang.
class l3_tier {
public:
  virtual ~l3_tier() = default;

  /// The record under `key`, already verified against its digest, or null.
  virtual value_ptr get(const cache_key& key) = 0;

  /// The records under `keys` (null where missing), in order. An
  /// implementation over a network asks for all of them at once, so the
  /// whole batch takes about one round trip; this default asks one by one.
  virtual std::vector<value_ptr> get_many(const std::vector<cache_key>& keys) {
    std::vector<value_ptr> out;
    out.reserve(keys.size());
    for (const auto& k : keys)
      out.push_back(get(k));
    return out;
  }

  /// Stores `value` under `key`; may return before the shard has it.
  virtual cache_error put(const cache_key& key, const value_ptr& value) = 0;

  /// Returns once every value put before the call has reached its shard,
  /// or when `limit` has passed (an error saying how many shards did not
  /// confirm). A process that ends after a flush has lost none of its puts.
  virtual cache_error flush(std::chrono::milliseconds limit) {
    (void) limit;
    return {};
  }

  /// A short name for logs and statistics, e.g. "l3:rendezvous".
  virtual std::string_view name() const noexcept = 0;
};

} // namespace troupe::cache
