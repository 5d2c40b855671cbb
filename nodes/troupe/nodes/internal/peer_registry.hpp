// File: the peers a process has authenticated, and the guard every actor
// it exposes asks before it processes a message. Internal.
//
// Usage (in a behaviour of an exposed actor):
//
//   [self, peers](health_atom) -> caf::result<node_health> {
//     if (!peers->admit(self->current_sender()))
//       return caf::delegated<node_health>{};   // dropped, counted
//     ...
//   }
//
// What it checks: the sender's CAF node id is this process's or one that
// proved the token (see messages.hpp). An anonymous message (no sender) is
// dropped: a remote sender without an actor cannot be told apart from a
// local one. Limit (CAF 0.17's BASP): node ids are what a peer declares in
// its handshake, not proven by the transport; README "Threat model".
//
// Thread safety: every member function may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <caf/actor_control_block.hpp>
#include <caf/node_id.hpp>

#include "troupe/nodes/internal/messages.hpp"
#include "troupe/runtime/internal/sender_guard.hpp"

namespace troupe::nodes::detail {

/// Authenticated peers by CAF node id, and the sender guard built on them.
class peer_registry final : public troupe::detail::sender_guard {
public:
  /// `local` is this process's node id (always admitted).
  explicit peer_registry(caf::node_id local);

  /// Whether to process a message from `sender`; counts the decision.
  bool admit(const caf::strong_actor_ptr& sender) noexcept override;

  /// Whether `sender` belongs to this process (local-only messages).
  bool is_local(const caf::strong_actor_ptr& sender) const noexcept;

  /// Admits messages from `node` from now on; replaces an earlier entry.
  void add(const caf::node_id& node, peer_info info);

  /// Stops admitting messages from `node`; false if it was not admitted.
  bool remove(const caf::node_id& node);

  /// Whether messages from `node` are admitted.
  bool contains(const caf::node_id& node) const;

  /// Every admitted peer.
  std::vector<peer_info> peers() const;

  /// Remote messages admitted and messages dropped so far.
  std::uint64_t admitted() const noexcept {
    return admitted_.load(std::memory_order_relaxed);
  }
  std::uint64_t rejected() const noexcept {
    return rejected_.load(std::memory_order_relaxed);
  }

  /// Counts a message dropped by a check of the caller's own.
  void count_rejected() noexcept {
    rejected_.fetch_add(1, std::memory_order_relaxed);
  }

private:
  caf::node_id local_;
  mutable std::mutex mutex_;
  std::unordered_map<caf::node_id, peer_info> peers_;
  std::atomic<std::uint64_t> admitted_{0};
  std::atomic<std::uint64_t> rejected_{0};
};

} // namespace troupe::nodes::detail
