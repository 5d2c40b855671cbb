// File: a node's L3 shard: the cache tiers' typed interface over an
// in-memory store, guarded like every actor a node exposes. Internal.
#pragma once

#include <memory>

#include <caf/fwd.hpp>

#include "troupe/cache/internal/messages.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/nodes/internal/peer_registry.hpp"

namespace troupe::nodes::detail {

/// Spawns the shard: get answers from `store` (empty bytes: a miss), put
/// stores, commit answers 0 (memory only), stats reports the store's
/// counters. Messages `peers` does not admit are dropped and counted.
cache::detail::tier_actor spawn_l3_shard(caf::actor_system& sys,
                                         std::shared_ptr<cache::l1_store> store,
                                         std::shared_ptr<peer_registry> peers);

/// The store's counters in the tiers' form.
cache::detail::tier_counters shard_counters(const cache::l1_store& store);

} // namespace troupe::nodes::detail
