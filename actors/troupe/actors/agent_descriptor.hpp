// File: what the scheduler and the cache need to know about an agent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace troupe::actors {

/// How an agent's work is split: per input item (a source file of an
/// analysis), across the corpus, or as a final aggregation (the three
/// groups of DESIGN.md).
enum class agent_scope : std::uint8_t { per_item = 1, corpus = 2, aggregate = 3 };

/// Identity and edges of one agent; the DAG is built from these, as data.
struct agent_descriptor {
  /// Stable id, part of every cache key ("symbols").
  std::string id;
  /// Bumped whenever the agent's output changes for the same input.
  std::uint32_t version = 1;
  agent_scope scope = agent_scope::per_item;
  /// Ids of the agents whose records this one reads.
  std::vector<std::string> depends_on;
  /// One line on what it computes.
  std::string summary;
  /// Runs even when an agent it depends on failed (a report that must
  /// describe the failures); otherwise it is skipped then.
  bool after_failures = false;
};

/// The 23 built-in agents of DESIGN.md "The 23 agents", in topological
/// order, with their edges.
std::vector<agent_descriptor> builtin_descriptors();

} // namespace troupe::actors
