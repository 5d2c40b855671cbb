// File: the check an actor that other processes can reach makes on the
// sender of every message before it processes it. Internal: never installed.
//
// CAF's BASP lets any connected peer address any actor by its id, so an
// actor a node exposes cannot rely on its handle being private: it asks a
// guard (the nodes component's peer registry) about every sender.
#pragma once

#include <caf/fwd.hpp>

namespace troupe::detail {

/// Decides whether a message from a sender may be processed.
///
/// Thread safety: `admit` is called concurrently by many actors.
class sender_guard {
public:
  virtual ~sender_guard() = default;

  /// Whether to process a message from `sender` (null for an anonymous
  /// message); counts the decision.
  virtual bool admit(const caf::strong_actor_ptr& sender) noexcept = 0;
};

} // namespace troupe::detail
