// File: a hook into the configuration of a runtime's actor system, for
// components above the runtime that need more of CAF than one process does
// (the nodes component loads CAF's middleman and registers its protocol).
// Internal: never installed.
#pragma once

#include <caf/fwd.hpp>

namespace troupe::detail {

/// Extends an actor system's configuration before the system starts
/// (runtime_options::extension).
class system_extension {
public:
  virtual ~system_extension() = default;

  /// Called once, from the runtime's constructor, after the runtime set its
  /// own options and message types and before the actor system starts.
  virtual void configure(caf::actor_system_config& cfg) const = 0;
};

} // namespace troupe::detail
