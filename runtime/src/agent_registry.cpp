#include "troupe/runtime/agent_registry.hpp"

#include <algorithm>
#include <sstream>

#include "troupe/runtime/internal/agent_executor.hpp"

namespace troupe {

error agent_registry::add(agent_descriptor descriptor, agent_handler handler) {
  if (!handler)
    return {errc::invalid_graph, "agent '" + descriptor.id + "' has no handler"};
  auto scope = descriptor.scope;
  return add({std::move(descriptor), detail::make_handler_executor(scope, std::move(handler)), nullptr});
}

error agent_registry::add(agent_definition definition) {
  const auto& d = definition.descriptor;
  if (d.id.empty())
    return {errc::invalid_graph, "an agent needs a non-empty id"};
  if (find(d.id))
    return {errc::invalid_graph, "agent '" + d.id + "' is already registered"};
  if (!definition.executor)
    return {errc::invalid_graph, "agent '" + d.id + "' has no executor"};
  for (const auto& dep : d.depends_on)
    if (!find(dep))
      return {errc::invalid_graph,
              "agent '" + d.id + "' depends on '" + dep + "', which is not registered"};
  agents_.push_back(std::move(definition));
  return {};
}

const agent_definition* agent_registry::find(const std::string& id) const noexcept {
  auto i = std::find_if(agents_.begin(), agents_.end(),
                        [&](const agent_definition& a) { return a.descriptor.id == id; });
  return i == agents_.end() ? nullptr : &*i;
}

std::string agent_registry::to_dot() const {
  std::ostringstream out;
  out << "digraph troupe_agents {\n  rankdir=LR;\n  node [shape=box];\n";
  for (auto scope : {agent_scope::per_item, agent_scope::corpus, agent_scope::aggregate}) {
    out << "  subgraph cluster_group" << static_cast<int>(scope) << " {\n    label=\"group "
        << static_cast<int>(scope) << "\";\n";
    for (const auto& a : agents_)
      if (a.descriptor.scope == scope)
        out << "    \"" << a.descriptor.id << "\" [tooltip=\"" << a.descriptor.summary
            << "\"];\n";
    out << "  }\n";
  }
  for (const auto& a : agents_)
    for (const auto& dep : a.descriptor.depends_on)
      out << "  \"" << dep << "\" -> \"" << a.descriptor.id << "\";\n";
  out << "}\n";
  return out.str();
}

} // namespace troupe
