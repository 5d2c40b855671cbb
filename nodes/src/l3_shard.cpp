#include "troupe/nodes/internal/l3_shard.hpp"

#include <caf/all.hpp>

namespace troupe::nodes::detail {

using cache::detail::commit_atom;
using cache::detail::get_atom;
using cache::detail::put_atom;
using cache::detail::stats_atom;
using cache::detail::tier_actor;
using cache::detail::tier_counters;
using troupe::detail::shared_bytes;

tier_counters shard_counters(const cache::l1_store& store) {
  auto s = store.stats();
  tier_counters out;
  out.hits = s.hits;
  out.misses = s.misses;
  out.evictions = s.evictions + s.expirations;
  out.entries = s.entries;
  out.bytes = s.bytes;
  return out;
}

tier_actor spawn_l3_shard(caf::actor_system& sys, std::shared_ptr<cache::l1_store> store,
                          std::shared_ptr<peer_registry> peers) {
  return sys.spawn([store, peers](tier_actor::pointer self) -> tier_actor::behavior_type {
    return {
      [self, store, peers](get_atom, const cache::cache_key& key) -> caf::result<shared_bytes> {
        if (!peers->admit(self->current_sender()))
          return caf::delegated<shared_bytes>{};
        return shared_bytes{store->get(key)};
      },
      [self, store, peers](put_atom, const cache::cache_key& key, const shared_bytes& value) {
        if (!peers->admit(self->current_sender()))
          return;
        if (value.data && !value.data->empty())
          store->put(key, value.data);
      },
      [self, peers](commit_atom) -> caf::result<std::uint64_t> {
        if (!peers->admit(self->current_sender()))
          return caf::delegated<std::uint64_t>{};
        return std::uint64_t{0};
      },
      [self, store, peers](stats_atom) -> caf::result<tier_counters> {
        if (!peers->admit(self->current_sender()))
          return caf::delegated<tier_counters>{};
        return shard_counters(*store);
      },
    };
  });
}

} // namespace troupe::nodes::detail
