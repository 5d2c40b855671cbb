// File: the distributed cache tier (L3): one shard actor per node, together
// one group. Internal: never installed.
//
// A key belongs to the live member with the highest rendezvous score
// (XXH3-64 of the member's name and the key), so when a member joins or
// leaves only the keys it owns move. A value travels framed with its
// XXH3-128 digest and is checked before use: a damaged one is a miss,
// counted as corrupt. Every lookup is a request with a finite timeout; a
// shard that vanished or does not answer in time is a miss, never a hang.
//
// Thread safety: every member function may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "troupe/cache/internal/messages.hpp"
#include "troupe/cache/l3_tier.hpp"

namespace troupe::cache::detail {

/// What the L3 group saw, for `troupe cache stats` and report.json.
struct l3_counters {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  /// Values whose digest did not match (each also a miss).
  std::uint64_t corrupt = 0;
  /// Lookups that timed out or whose shard was gone (each also a miss).
  std::uint64_t unanswered = 0;
  std::uint64_t puts = 0;
};

/// The L3 tier over the shards of a cluster's live members.
class l3_group final : public l3_tier {
public:
  l3_group(caf::actor_system& sys, std::chrono::milliseconds timeout);

  /// Ends the actor that sends the puts.
  ~l3_group() override;

  l3_group(const l3_group&) = delete;
  l3_group& operator=(const l3_group&) = delete;

  /// Adds (or replaces) a member's shard.
  void join(const std::string& member, tier_actor shard);

  /// Removes a member (its node was lost); its keys move to the others.
  void leave(const std::string& member);

  /// The live members' names.
  std::vector<std::string> members() const;

  /// The member that owns `key`, or an empty name when there is none.
  std::string owner(const cache_key& key) const;

  value_ptr get(const cache_key& key) override;
  /// Every request goes out before the first answer is awaited.
  std::vector<value_ptr> get_many(const std::vector<cache_key>& keys) override;
  cache_error put(const cache_key& key, const value_ptr& value) override;
  /// Asks every member's shard for a commit through the actor that sent the
  /// puts: a shard handles its messages from one sender in order, so its
  /// answer means it holds every earlier put.
  cache_error flush(std::chrono::milliseconds limit) override;
  std::string_view name() const noexcept override {
    return "l3:rendezvous";
  }

  l3_counters counters() const;

  /// A value framed with its digest, as shards hold it, and back; false
  /// when the frame is short or the digest does not match.
  static std::string frame(std::string_view value);
  static bool unframe(std::string_view framed, std::string& value);

private:
  /// Counts one lookup's outcome; the verified value or null.
  value_ptr settle(bool answered, const shared_bytes& found);
  struct member {
    std::string name;
    tier_actor shard;
  };

  /// The owner's shard of `key`; false when there are no members.
  bool owner_of(const cache_key& key, member& out) const;

  caf::actor_system& sys_;
  std::chrono::milliseconds timeout_;
  /// The sender of the one-way puts.
  caf::actor sender_;
  mutable std::mutex mtx_;
  std::vector<member> members_;
  l3_counters counters_;
};

} // namespace troupe::cache::detail
