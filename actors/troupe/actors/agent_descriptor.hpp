// File: what the scheduler and the cache need to know about an agent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace troupe::actors {

/// How an agent's work is split: per file, across the corpus, or as a final
/// aggregation (the three groups of DESIGN.md).
enum class agent_scope : std::uint8_t { per_file = 1, corpus = 2, aggregate = 3 };

/// Identity and edges of one agent; the DAG is built from these, as data.
struct agent_descriptor {
  /// Stable id, part of every cache key ("symbols").
  std::string id;
  /// Bumped whenever the agent's output changes for the same input.
  std::uint32_t version = 1;
  agent_scope scope = agent_scope::per_file;
  /// Ids of the agents whose records this one reads.
  std::vector<std::string> depends_on;
  /// One line on what it computes.
  std::string summary;
};

} // namespace troupe::actors
