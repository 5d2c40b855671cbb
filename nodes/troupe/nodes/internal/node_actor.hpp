// File: the node actor: the one actor a node publishes. It runs the node
// side of the join handshake, keeps the member set, opens and closes the
// lanes of remote runs, and reports health. Internal.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <caf/fwd.hpp>

#include "troupe/cache/internal/l3_group.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/nodes/internal/messages.hpp"
#include "troupe/nodes/internal/peer_registry.hpp"
#include "troupe/nodes/join_credentials.hpp"
#include "troupe/runtime/agent_registry.hpp"

namespace troupe::detail {
class lane_census;
} // namespace troupe::detail

namespace spdlog {
class logger;
} // namespace spdlog

namespace troupe::nodes::detail {

/// A node's name and address: known once it listens, which is after its
/// actor exists (publishing needs the actor; port 0 picks the port).
///
/// Thread safety: set by the thread that publishes, read by the node actor.
class node_identity {
public:
  void set(std::string name, std::string address) {
    std::lock_guard<std::mutex> guard{mutex_};
    name_ = std::move(name);
    address_ = std::move(address);
  }
  std::string name() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return name_;
  }
  std::string address() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return address_;
  }

private:
  mutable std::mutex mutex_;
  std::string name_;
  std::string address_;
};

/// What a node actor is made of.
struct node_setup {
  /// Name in logs and health, and HOST:PORT where the node listens.
  std::shared_ptr<node_identity> identity = std::make_shared<node_identity>();
  join_credentials credentials;
  /// Worker slots: lanes per per-item executor of a run.
  std::uint32_t workers = 1;
  /// The agents the node's lanes can run (its own registry: same binary).
  std::shared_ptr<const agent_registry> agents;
  /// The node runtime's cache (L1, L2, and the cluster's L3), which the
  /// file stage of served runs uses; may be null.
  std::shared_ptr<cache::tiered_cache> cache;
  /// Called when served runs end: makes what their lanes put in `cache`
  /// durable and visible (a group commit waits for more puts otherwise).
  /// Must not block the node actor. May be empty.
  std::function<void()> runs_ended;
  /// Who may talk to the node's actors.
  std::shared_ptr<peer_registry> peers;
  /// The L3 shard and its store.
  cache::detail::tier_actor l3;
  std::shared_ptr<cache::l1_store> l3_store;
  /// The L3 tier of `cache` (set as its L3 by the caller when both exist):
  /// empty until a run that uses L3 names the shards of its nodes; a shard
  /// whose actor goes down leaves it. May be null.
  std::shared_ptr<cache::detail::l3_group> l3_group;
  std::shared_ptr<spdlog::logger> log;
  /// Counts the served lanes until each is cleaned up (the node's shutdown
  /// waits for them: troupe::detail::lane_census). May be null.
  std::shared_ptr<troupe::detail::lane_census> served_lanes;
  /// Time a join this node makes may take (each step).
  std::chrono::milliseconds join_timeout{5000};
  /// Started handshakes kept at most, and how long each may wait for its auth.
  std::size_t max_pending_joins = 256;
  std::chrono::milliseconds pending_join_ttl{10'000};
};

/// Spawns the node actor. It joins, in the background, every member a
/// node it joined or a member's announcement names.
node_actor spawn_node_actor(caf::actor_system& sys, node_setup setup);

} // namespace troupe::nodes::detail
