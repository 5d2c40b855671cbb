// File: the registry of the 23 built-in agents (DESIGN.md "The 23 agents"):
// the descriptors of troupe/actors/agent_descriptor.hpp, each with the
// executor that runs it on the runtime's lanes.
#pragma once

#include <memory>

#include "troupe/actors/file/file_agent.hpp"
#include "troupe/base/error.hpp"
#include "troupe/runtime/agent_registry.hpp"

namespace troupe {

/// The 23 built-in agents of DESIGN.md with their edges and executors.
agent_registry builtin_agents();

/// Adds to `registry` an agent computed from each file's syntax tree in an
/// analysis (run_analysis): it shares the file stage's one parse per file
/// with the built-in group-1 agents. Fails (and adds nothing) when the
/// agent is null or not per-item, or as agent_registry::add does.
error add_file_agent(agent_registry& registry, std::shared_ptr<const actors::file_agent> agent);

} // namespace troupe
