// File: the cache tiers' actor protocol: every message type and the one
// typed interface L1, L2 and (on the nodes) L3 shards share. Internal:
// never installed (public headers show no CAF type).
//
//   anyone -> tier : (get_atom, cache_key)            -> shared_bytes (empty: miss)
//   anyone -> tier : (put_atom, cache_key, shared_bytes)  one-way, ordered
//   anyone -> tier : (commit_atom)                    -> uint64 records written so far
//   anyone -> tier : (stats_atom)                     -> tier_counters
//
// A put is one-way: the tier applies puts in the order they arrive, and a
// commit after them covers them all (the L2 actor's group commit). Every
// request carries a timeout chosen by its sender.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "troupe/base/error.hpp"
#include "troupe/base/internal/shared_bytes.hpp"
#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/fwd.hpp"

namespace troupe::cache {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, digest& x) {
  return f(caf::meta::type_name("digest"), x.high, x.low);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cache_key& x) {
  // A key is its digest; rebuilt on load.
  digest d = x.value();
  if constexpr (Inspector::writes_state) {
    auto result = f(caf::meta::type_name("cache_key"), d);
    x = cache_key{d};
    return result;
  } else {
    return f(caf::meta::type_name("cache_key"), d);
  }
}

} // namespace troupe::cache

namespace troupe::cache::detail {

using troupe::detail::shared_bytes;

using get_atom = caf::atom_constant<caf::atom("get")>;
using put_atom = caf::atom_constant<caf::atom("put")>;
using commit_atom = caf::atom_constant<caf::atom("commit")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;

/// A tier's counters as its actor reports them.
struct tier_counters {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  /// Records that failed their checks (L2) or their digest (L3).
  std::uint64_t corrupt = 0;
  std::uint64_t writes = 0;
  std::uint64_t write_errors = 0;
  std::uint64_t evictions = 0;
  /// Records and bytes the tier holds.
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tier_counters& x) {
  return f(caf::meta::type_name("tier_counters"), x.hits, x.misses, x.corrupt, x.writes,
           x.write_errors, x.evictions, x.entries, x.bytes);
}

/// The interface of every cache tier actor.
using tier_actor = caf::typed_actor<
  caf::replies_to<get_atom, cache_key>::with<shared_bytes>,
  caf::reacts_to<put_atom, cache_key, shared_bytes>,
  caf::replies_to<commit_atom>::with<std::uint64_t>,
  caf::replies_to<stats_atom>::with<tier_counters>>;

/// Called by the L2 actor after each write it made (bytes written, and the
/// error when it failed), on the actor's thread.
using write_listener = std::function<void(std::size_t bytes, const troupe::error& err)>;

/// The L1 actor: answers from (and stores into) `store`, which the hot path
/// of this process also reads directly (see docs: the direct call is the
/// faster path there).
tier_actor spawn_l1_actor(caf::actor_system& sys, std::shared_ptr<l1_store> store);

/// The L2 actor: owns the folder's writes. Puts are written in arrival
/// order on the actor's own thread (disk I/O never stalls the scheduler)
/// and queued for the group commit, which `commit_atom` performs.
tier_actor spawn_l2_actor(caf::actor_system& sys, std::shared_ptr<l2_store> store,
                          write_listener on_written = {});

/// Registers the message types above with an actor system's config.
void add_cache_message_types(caf::actor_system_config& cfg);

} // namespace troupe::cache::detail
