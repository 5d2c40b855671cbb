// File: a component's additions to a runtime's actor system configuration
// (message types of its own protocol), applied before the system starts.
// Internal: never installed.
#pragma once

#include <caf/fwd.hpp>

namespace troupe::detail {

/// Configures the actor system of a runtime it is given to
/// (runtime_options::setup).
class system_setup {
public:
  virtual ~system_setup() = default;
  virtual void configure(caf::actor_system_config& cfg) const = 0;
};

} // namespace troupe::detail
