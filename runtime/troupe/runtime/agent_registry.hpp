// File: the registry of agents, whose edges form every run's DAG.
//
// `troupe agents` prints it, hosts extend it, and the supervisor builds each
// run's task graph from it: a task names agents by id, and the node that
// runs it finds their code here.
//
// Usage:
//
//   troupe::agent_registry reg;   // or troupe::builtin_agents()
//                                 // (troupe/analysis/builtin_agents.hpp)
//   if (auto err = reg.add({"my_metric", 1, troupe::agent_scope::corpus,
//                           {"symbols"}, "my metric"}, my_handler))
//     fail(err.message());
//   std::cout << reg.to_dot();
//
// Thread-safety: not thread-safe while being built; read-only use is safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "troupe/actors/file/file_agent.hpp"
#include "troupe/base/error.hpp"
#include "troupe/runtime/agent.hpp"

namespace troupe {

namespace detail {
class agent_executor;
} // namespace detail

/// One agent: its descriptor and the code that computes it.
struct agent_definition {
  agent_descriptor descriptor;
  /// Runs the agent's tasks. Agents that share work on the same items (the
  /// group-1 agents share one parse per file) share one executor, and a
  /// task may then name several of them.
  std::shared_ptr<const detail::agent_executor> executor;
  /// For an agent computed from a file's syntax tree (group 1 of an
  /// analysis): the agent. Such agents share the file stage's executor.
  std::shared_ptr<const actors::file_agent> file_agent;
};

/// Agents by id, in registration order, with validated dependencies.
class agent_registry {
public:
  /// Adds a host agent computed by `handler`. Fails (and adds nothing) when
  /// the id is empty or taken, or a dependency is not registered yet.
  error add(agent_descriptor descriptor, agent_handler handler);

  /// Adds an agent with an executor of the runtime's own; same checks.
  error add(agent_definition definition);

  /// The agent with this id, or null.
  const agent_definition* find(const std::string& id) const noexcept;

  /// All agents in registration order, which is a topological order.
  const std::vector<agent_definition>& agents() const noexcept {
    return agents_;
  }

  /// The DAG in Graphviz dot syntax, one cluster per scope.
  std::string to_dot() const;

private:
  std::vector<agent_definition> agents_;
};

} // namespace troupe
