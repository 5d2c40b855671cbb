// File: the one opt-in header for hosts that spawn CAF actors of their own
// beside troupe's. Including it brings CAF's headers into the host; nothing
// else of troupe includes it.
//
// Usage:
//
//   #include "troupe/runtime/caf_interop.hpp"
//   troupe::runtime rt{opts};
//   auto& sys = troupe::runtime_access::system(rt);
//   auto mine = sys.spawn(my_behavior);
//
// The actor system belongs to the runtime: actors of the host must be done
// before the runtime is destroyed.
#pragma once

#include <caf/actor_system.hpp>

#include "troupe/runtime/runtime.hpp"

namespace troupe {

/// Access to a runtime's CAF internals.
struct runtime_access {
  /// The runtime's actor system (configured in code, sharing scheduler).
  static caf::actor_system& system(runtime& rt) noexcept;
};

} // namespace troupe
