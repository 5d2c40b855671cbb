// File: the joining side of the node protocol: join a node, open and close
// lanes on it, ask its health. Internal (CAF types); what `troupe run
// --join`, `troupe node --join` and `troupe node --health` call.
//
// Usage (a process that supervises runs, its runtime started with
// troupe::nodes::enable_network):
//
//   auto& sys = troupe::runtime_access::system(rt);
//   nodes::detail::join_options jo;
//   jo.credentials = {"troupe", *nodes::resolve_token("")};
//   jo.name = "run@host";
//   auto joined = nodes::detail::join_node(sys, "127.0.0.1", 7420, jo);
//   if (!joined) return exit_for(joined.error());   // peer_refused -> 2, else 69
//   self->monitor(joined->node);                     // its down_msg = node lost
//   nodes::detail::open_request req{run_id, {"symbols", "size"}, 60'000, supervisor};
//   auto lanes = nodes::detail::open_lanes(sys, joined->node, req, 5s);
//   ... send (run_atom, task_batch) to lanes->groups[i].lanes[slot] ...
//   nodes::detail::close_lanes(sys, joined->node, run_id, 5s);
//
// Every call is a request with a finite timeout; a node that does not
// answer in time is errc::peer_unreachable. The blocking calls use a
// scoped_actor: call them from a plain thread or a detached actor, never
// from an event-based actor (use the typed requests of messages.hpp there).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/node_id.hpp>

#include "troupe/base/expected.hpp"
#include "troupe/nodes/internal/handshake.hpp"
#include "troupe/nodes/internal/messages.hpp"
#include "troupe/nodes/internal/peer_registry.hpp"
#include "troupe/nodes/join_credentials.hpp"

namespace troupe::nodes::detail {

/// How to join.
struct join_options {
  join_credentials credentials;
  /// The protocol version this side speaks (only tests set another).
  std::uint32_t version = protocol_version;
  /// This process's name in the node's logs.
  std::string name;
  peer_role role = peer_role::run;
  /// Where this process listens (HOST:PORT), for role node.
  std::string address;
  /// An actor that lives as long as this process's membership (a node's node
  /// actor); null: join_node spawns one, kept by the joined_node.
  caf::actor anchor;
  /// Where to admit the node once it proved the token (a node's own peer
  /// registry, so that the node may call back); null for none.
  std::shared_ptr<peer_registry> registry;
  /// Time each step (connect, hello, auth) may take.
  std::chrono::milliseconds timeout{5000};
};

/// Ends an anchor actor when the last copy of a joined_node goes.
struct anchor_handle {
  caf::actor actor;
  ~anchor_handle();
};

/// A node this process has joined.
struct joined_node {
  /// The node actor; monitor it: its down_msg means the node is lost.
  node_actor node;
  /// The node's CAF node id.
  caf::node_id id;
  /// What the node told: name, workers, agents, its L3 shard, the members.
  welcome info;
  /// This process's anchor when join_node spawned it.
  std::shared_ptr<anchor_handle> anchor;
};

/// Connects to the node at host:port (with TLS when the actor system has
/// CAF's OpenSSL module loaded, see enable_network) and runs the join
/// handshake. Errors: errc::peer_refused naming what did not match (cluster
/// id, protocol version, token), errc::peer_unreachable (no connection, no
/// answer in time), errc::invalid_config (the peer is not a troupe node).
expected<joined_node> join_node(caf::actor_system& sys, const std::string& host,
                                std::uint16_t port, const join_options& options);

/// Why the joiner refuses a node's challenge, or empty: the node speaks
/// another protocol version, is in another cluster, or its proof does not
/// match the token (`transcript` is this handshake's).
std::string check_challenge(const challenge& c, const join_options& options,
                            const handshake_transcript& transcript);

/// Asks `node` for lanes of a run (see open_request).
expected<opened_lanes> open_lanes(caf::actor_system& sys, const node_actor& node,
                                  const open_request& request,
                                  std::chrono::milliseconds timeout);

/// Ends the lanes `node` serves for run `run` of this process; returns how
/// many were stopped.
expected<std::uint32_t> close_lanes(caf::actor_system& sys, const node_actor& node,
                                    std::uint64_t run, std::chrono::milliseconds timeout);

/// Asks `node` for its health.
/// Which of `query`'s bundles the node's cache holds.
expected<cached_bundles> request_cached(caf::actor_system& sys, const node_actor& node,
                                        const bundle_query& query,
                                        std::chrono::milliseconds timeout);

expected<node_health> request_health(caf::actor_system& sys, const node_actor& node,
                                     std::chrono::milliseconds timeout);

} // namespace troupe::nodes::detail
