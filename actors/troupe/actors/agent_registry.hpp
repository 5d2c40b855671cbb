// File: the registry of agents, whose edges form the analysis DAG.
//
// Usage:
//
//   troupe::actors::agent_registry reg = troupe::actors::builtin_agents();
//   reg.add({"my_metric", 1, agent_scope::corpus, {"symbols"}, "my metric"});
//   std::cout << reg.to_dot();
//
// Thread-safety: not thread-safe while being built; read-only use is safe.
#pragma once

#include <string>
#include <vector>

#include "troupe/actors/agent_descriptor.hpp"

namespace troupe::actors {

/// Agents by id, in registration order, with validated dependencies.
class agent_registry {
public:
  /// Adds an agent; returns an error message (empty on success) when the id
  /// is taken or a dependency is not registered yet.
  [[nodiscard]] std::string add(agent_descriptor agent);

  /// The agent with this id, or null.
  const agent_descriptor* find(const std::string& id) const noexcept;

  /// All agents in registration order, which is a topological order.
  const std::vector<agent_descriptor>& agents() const noexcept {
    return agents_;
  }

  /// The DAG in Graphviz dot syntax, one cluster per scope.
  std::string to_dot() const;

private:
  std::vector<agent_descriptor> agents_;
};

/// The 23 built-in agents of DESIGN.md with their edges.
agent_registry builtin_agents();

} // namespace troupe::actors
