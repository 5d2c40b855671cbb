// The registry of the 23 built-in agents: the table of DESIGN.md
// (actors::builtin_descriptors) with each agent's executor.
#include "troupe/analysis/builtin_agents.hpp"

#include <algorithm>
#include <stdexcept>

#include "internal/analysis_locals.hpp"
#include "troupe/actors/file/symbols_agent.hpp"
#include "troupe/runtime/agent_registry.hpp"

namespace troupe {

error add_file_agent(agent_registry& registry, std::shared_ptr<const actors::file_agent> agent) {
  if (!agent)
    return {errc::invalid_graph, "a file agent must not be null"};
  auto descriptor = agent->descriptor();
  if (descriptor.scope != agent_scope::per_item)
    return {errc::invalid_graph, "file agent '" + descriptor.id + "' must be per-item"};
  return registry.add({std::move(descriptor), detail::file_stage_executor(), std::move(agent)});
}

agent_registry builtin_agents() {
  auto file_agents = actors::builtin_file_agents();
  auto corpus_agents = corpus::builtin_corpus_agents();
  agent_registry reg;
  for (auto& d : actors::builtin_descriptors()) {
    agent_definition def;
    def.descriptor = d;
    if (d.scope == agent_scope::per_item) {
      def.executor = detail::file_stage_executor();
      if (d.id != actors::symbols_agent::id) {
        auto a = std::find_if(file_agents.begin(), file_agents.end(),
                              [&](const auto& x) { return x->descriptor().id == d.id; });
        if (a == file_agents.end())
          throw std::logic_error("built-in agent table: no file agent '" + d.id + "'");
        def.file_agent = *a;
      }
    } else if (d.id == "report") {
      def.executor = detail::make_report_executor();
    } else {
      auto a = std::find_if(corpus_agents.begin(), corpus_agents.end(),
                            [&](const auto& x) { return x->descriptor().id == d.id; });
      if (a == corpus_agents.end())
        throw std::logic_error("built-in agent table: no corpus agent '" + d.id + "'");
      def.executor = detail::make_corpus_executor(*a);
    }
    if (auto err = reg.add(std::move(def)))
      throw std::logic_error("built-in agent table: " + err.message());
  }
  return reg;
}

} // namespace troupe
