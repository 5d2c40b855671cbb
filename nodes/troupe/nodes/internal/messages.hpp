// File: the node protocol: every message type and the node actor's typed
// interface, in one place. Internal: never installed (public headers show
// no CAF type).
//
// Join (challenge-response; the token itself never travels):
//
//   joiner -> node : (hello_atom, hello)  -> challenge  (or peer_refused: cluster id, version)
//   joiner -> node : (auth_atom, auth)    -> welcome    (or peer_refused: token)
//
//   hello carries the joiner's nonce, challenge the node's nonce and the
//   node's proof HMAC-SHA256(token, "node" | cluster | version | nonces |
//   node ids); the joiner checks it (and the cluster id and version) and
//   answers with its own proof ("joiner" | ...), or with the reason it
//   refuses the node. Both sides admit the other's CAF node id to their peer
//   registry only after its proof checked out (nodes/src/handshake.cpp).
//
// After the join, only from authenticated peers (or this process):
//
//   anyone -> node : (health_atom)                -> node_health
//   anyone -> node : (open_atom, open_request)    -> opened_lanes
//   anyone -> node : (close_atom, run id)         -> lanes stopped (uint32)
//   anyone -> node : (cached_atom, bundle_query)  -> cached_bundles
//   member -> node : (member_atom, member_info)      a newcomer joined the sender
//   local  -> node : (joined_atom, joined_member)    a join this node made succeeded
//
// Every actor a node exposes (this one, the lanes it opens, its L3 shard)
// drops a message whose sender's node is neither this process nor an
// authenticated peer, and counts it (node_health::rejected).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "troupe/cache/internal/messages.hpp"
#include "troupe/runtime/internal/messages.hpp"

namespace troupe::nodes::detail {

/// The version of this protocol; a joiner and a node must speak the same.
constexpr std::uint32_t protocol_version = 2;

using hello_atom = caf::atom_constant<caf::atom("hello")>;
using auth_atom = caf::atom_constant<caf::atom("auth")>;
using health_atom = caf::atom_constant<caf::atom("health")>;
using open_atom = caf::atom_constant<caf::atom("open")>;
using close_atom = caf::atom_constant<caf::atom("close")>;
using member_atom = caf::atom_constant<caf::atom("member")>;
using joined_atom = caf::atom_constant<caf::atom("joined")>;
using cached_atom = caf::atom_constant<caf::atom("cached")>;

/// What a joiner is to the node it joins.
enum class peer_role : std::uint8_t {
  /// Another node: a member of the cluster, told about newcomers.
  node = 1,
  /// A process that supervises runs on the cluster (`troupe run --join`).
  run = 2,
  /// A process that only asks for health (`troupe node --health`).
  observer = 3,
};

/// The name of a role, as health shows it.
const char* to_string(peer_role role) noexcept;

/// First message of a join.
struct hello {
  std::uint32_t version = 0;
  std::string cluster;
  /// The joiner's name, for logs.
  std::string name;
  std::uint8_t role = 0;
  /// HOST:PORT where a joining node listens; empty for other roles.
  std::string address;
  /// 32 random bytes.
  std::string nonce;
  /// An actor of the joiner that lives as long as its membership (a node's
  /// node actor); the node monitors it and forgets the peer when it is down.
  caf::actor anchor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hello& x) {
  return f(caf::meta::type_name("hello"), x.version, x.cluster, x.name, x.role, x.address,
           x.nonce, x.anchor);
}

/// The node's answer to a hello it accepts.
struct challenge {
  /// Names this handshake in the auth that follows.
  std::uint64_t session = 0;
  std::uint32_t version = 0;
  std::string cluster;
  std::string name;
  /// 32 random bytes.
  std::string nonce;
  /// The node's proof that it knows the token.
  std::string proof;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, challenge& x) {
  return f(caf::meta::type_name("challenge"), x.session, x.version, x.cluster, x.name, x.nonce,
           x.proof);
}

/// The joiner's answer to a challenge: its proof, or why it refuses the node.
struct auth {
  std::uint64_t session = 0;
  std::string proof;
  /// Non-empty when the joiner refuses the node (then `proof` is empty).
  std::string refusal;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, auth& x) {
  return f(caf::meta::type_name("auth"), x.session, x.proof, x.refusal);
}

/// A node of the cluster, as members tell each other.
struct member_info {
  std::string name;
  /// HOST:PORT where it listens.
  std::string address;
  /// Its CAF node id, as text.
  std::string node;
  std::uint32_t workers = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(caf::meta::type_name("member_info"), x.name, x.address, x.node, x.workers);
}

/// The node's answer to a successful auth.
struct welcome {
  std::string name;
  std::string address;
  std::string node;
  std::uint32_t workers = 0;
  /// Ids of the agents of the node's registry (what its lanes can run).
  std::vector<std::string> agents;
  /// The node's L3 shard.
  cache::detail::tier_actor l3;
  /// Every live member the node knows, itself excluded.
  std::vector<member_info> members;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, welcome& x) {
  return f(caf::meta::type_name("welcome"), x.name, x.address, x.node, x.workers, x.agents,
           x.l3, x.members);
}

/// A peer the node admits messages from.
struct peer_info {
  std::string name;
  std::string node;
  std::uint8_t role = 0;
  std::string address;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_info& x) {
  return f(caf::meta::type_name("peer_info"), x.name, x.node, x.role, x.address);
}

/// A node's state, for `troupe node --health` and the lead's placement.
struct node_health {
  std::string name;
  std::string address;
  std::string node;
  std::string cluster;
  double uptime_seconds = 0;
  std::uint32_t workers = 0;
  std::uint32_t runs_active = 0;
  /// Attempts its served lanes ran.
  std::uint64_t tasks_done = 0;
  /// Authenticated peers: members (role node), runs and observers.
  std::vector<peer_info> peers;
  /// Messages from remote senders the exposed actors processed, and those
  /// they dropped (sender neither local nor authenticated).
  std::uint64_t admitted = 0;
  std::uint64_t rejected = 0;
  /// Joins refused (cluster id, version, token) and joins accepted.
  std::uint64_t joins_refused = 0;
  std::uint64_t joins_accepted = 0;
  /// The L3 shard's counters.
  cache::detail::tier_counters l3;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_health& x) {
  return f(caf::meta::type_name("node_health"), x.name, x.address, x.node, x.cluster,
           x.uptime_seconds, x.workers, x.runs_active, x.tasks_done, x.peers, x.admitted,
           x.rejected, x.joins_refused, x.joins_accepted, x.l3);
}

/// A node's L3 shard, as a run that uses the L3 tier tells the nodes.
struct l3_member {
  /// The node's name (the group's member name).
  std::string name;
  cache::detail::tier_actor shard;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, l3_member& x) {
  return f(caf::meta::type_name("l3_member"), x.name, x.shard);
}

/// Asks a node for lanes of a run it does not supervise.
struct open_request {
  /// The run (unique within the supervising process).
  std::uint64_t run = 0;
  /// Agents by registry id; the node spawns the lanes of their executors.
  std::vector<std::string> agents;
  /// Time one attempt may take on these lanes.
  std::uint32_t task_timeout_ms = 60'000;
  /// Where the lanes send their replies.
  troupe::detail::supervisor_actor supervisor;
  /// The run uses the L3 tier over these shards (every node of the run):
  /// the node's cache joins them to its L3 group. Empty: no L3.
  std::vector<l3_member> l3;
  /// Whether the lanes may read and write the node's cache: false for a
  /// run without a cache (--no-cache), whose every task is computed.
  bool use_cache = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, open_request& x) {
  return f(caf::meta::type_name("open_request"), x.run, x.agents, x.task_timeout_ms,
           x.supervisor, x.l3, x.use_cache);
}

/// The lanes of one executor: one per worker slot of the node for per-item
/// work, or one.
struct lane_group {
  /// The requested agents this executor runs.
  std::vector<std::string> agents;
  bool per_slot = false;
  std::vector<troupe::detail::agent_actor> lanes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lane_group& x) {
  return f(caf::meta::type_name("lane_group"), x.agents, x.per_slot, x.lanes);
}

/// The answer to an open_request.
struct opened_lanes {
  std::uint64_t run = 0;
  /// The node's name.
  std::string node;
  std::vector<lane_group> groups;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, opened_lanes& x) {
  return f(caf::meta::type_name("opened_lanes"), x.run, x.node, x.groups);
}

/// Which of a run's file bundles (the L2 keys of its files' records) a
/// node's cache holds: placement sends a file's task where its records are.
struct bundle_query {
  std::vector<cache::cache_key> bundles;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bundle_query& x) {
  return f(caf::meta::type_name("bundle_query"), x.bundles);
}

/// The answer to a bundle_query: one flag per bundle, 1 where the node's
/// L2 lists it.
struct cached_bundles {
  std::vector<std::uint8_t> held;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cached_bundles& x) {
  return f(caf::meta::type_name("cached_bundles"), x.held);
}

/// Most bundles one query may name (a larger one is refused).
constexpr std::size_t max_bundle_query = 1u << 22;

struct joined_member;

/// The interface of a node actor.
using node_actor = caf::typed_actor<
  caf::replies_to<hello_atom, hello>::with<challenge>,
  caf::replies_to<auth_atom, auth>::with<welcome>,
  caf::replies_to<health_atom>::with<node_health>,
  caf::replies_to<open_atom, open_request>::with<opened_lanes>,
  caf::replies_to<close_atom, std::uint64_t>::with<std::uint32_t>,
  caf::replies_to<cached_atom, bundle_query>::with<cached_bundles>,
  caf::reacts_to<member_atom, member_info>,
  caf::reacts_to<joined_atom, joined_member>>;

/// Local only: the outcome of a join this node made in the background.
struct joined_member {
  /// HOST:PORT it joined.
  std::string address;
  /// The node actor (null when the join failed) and what it said.
  node_actor handle;
  welcome info;
  /// Why the join failed; empty on success.
  std::string failure;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, joined_member& x) {
  return f(caf::meta::type_name("joined_member"), x.address, x.handle, x.info, x.failure);
}

/// Registers every message type above with an actor system's config.
void add_node_message_types(caf::actor_system_config& cfg);

} // namespace troupe::nodes::detail
