// The L1 and L2 tiers as actors with the shared typed interface.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/all.hpp>

#include "troupe/base/internal/caf_error.hpp"
#include "troupe/cache/internal/messages.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"

namespace troupe::cache::detail {

namespace {

shared_bytes wrap(value_ptr value) {
  return {std::move(value)};
}

} // namespace

tier_actor spawn_l1_actor(caf::actor_system& sys, std::shared_ptr<l1_store> store) {
  return sys.spawn([store](tier_actor::pointer) -> tier_actor::behavior_type {
    return {
      [store](get_atom, const cache_key& key) { return wrap(store->get(key)); },
      [store](put_atom, const cache_key& key, const shared_bytes& value) {
        if (value.data)
          store->put(key, value.data);
      },
      [](commit_atom) { return std::uint64_t{0}; },
      [store](stats_atom) {
        auto s = store->stats();
        tier_counters out;
        out.hits = s.hits;
        out.misses = s.misses;
        out.evictions = s.evictions + s.expirations;
        out.entries = s.entries;
        out.bytes = s.bytes;
        return out;
      },
    };
  });
}

tier_actor spawn_l2_actor(caf::actor_system& sys, std::shared_ptr<l2_store> store,
                          write_listener on_written) {
  auto behavior = [store, on_written](tier_actor::pointer) -> tier_actor::behavior_type {
    return {
      [store](get_atom, const cache_key& key) { return wrap(store->get(key)); },
      [store, on_written](put_atom, const cache_key& key, const shared_bytes& value) {
        if (!value.data)
          return;
        auto err = store->put(key, *value.data);
        if (on_written)
          on_written(value.data->size(), err);
      },
      [store](commit_atom) -> caf::result<std::uint64_t> {
        if (auto err = store->commit())
          return troupe::detail::to_caf(err);
        return store->stats().writes;
      },
      [store](stats_atom) {
        auto s = store->stats();
        tier_counters out;
        out.hits = s.hits;
        out.misses = s.misses;
        out.corrupt = s.corrupt;
        out.writes = s.writes;
        out.write_errors = s.write_errors;
        out.evictions = s.evictions;
        out.entries = s.entries;
        out.bytes = s.bytes;
        return out;
      },
    };
  };
  // Disk I/O (writes, the group commit's syncs) on a thread of its own.
  return sys.spawn<caf::detached>(behavior);
}

void add_cache_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<troupe::detail::shared_bytes>("troupe.shared_bytes");
  cfg.add_message_type<cache_key>("troupe.cache_key");
  cfg.add_message_type<tier_counters>("troupe.tier_counters");
}

} // namespace troupe::cache::detail
