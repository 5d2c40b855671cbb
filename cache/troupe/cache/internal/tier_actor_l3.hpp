// File: an L3 tier (the tiered cache's seam for a distributed tier) that
// asks a tier actor: an L3 shard on some node, or any actor speaking the
// tiers' protocol. Internal.
#pragma once

#include <chrono>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "troupe/cache/internal/messages.hpp"
#include "troupe/cache/l3_tier.hpp"

namespace troupe::cache::detail {

/// An l3_tier over a tier actor. A lookup is a request with a finite
/// timeout: a shard that vanished or does not answer in time is a miss,
/// never a hang. Every message names a sender: a node's shard drops
/// anonymous messages (it cannot tell a local one from a remote one).
class tier_actor_l3 final : public l3_tier {
public:
  tier_actor_l3(caf::actor_system& sys, tier_actor shard, std::chrono::milliseconds timeout,
                std::string name = "l3:actor");

  /// Ends the actor that sends the puts.
  ~tier_actor_l3() override;

  tier_actor_l3(const tier_actor_l3&) = delete;
  tier_actor_l3& operator=(const tier_actor_l3&) = delete;

  value_ptr get(const cache_key& key) override;
  cache_error put(const cache_key& key, const value_ptr& value) override;
  std::string_view name() const noexcept override {
    return name_;
  }

private:
  caf::actor_system& sys_;
  tier_actor shard_;
  std::chrono::milliseconds timeout_;
  std::string name_;
  /// The sender of the one-way puts.
  caf::actor sender_;
};

} // namespace troupe::cache::detail
