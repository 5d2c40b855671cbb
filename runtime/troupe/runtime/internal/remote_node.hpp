// File: a node of the cluster as the supervisor of a run sees it: worker
// slots whose lanes live in another process. Implemented by the nodes
// component over the node protocol; internal, never installed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "troupe/base/expected.hpp"
#include "troupe/cache/cache_key.hpp"
#include "troupe/runtime/internal/messages.hpp"

namespace troupe::detail {

/// Another node's share of a run.
class remote_node {
public:
  virtual ~remote_node() = default;

  /// The node's name (its listening address), for reports.
  virtual const std::string& name() const noexcept = 0;

  /// Attempts it runs at once.
  virtual std::uint32_t workers() const noexcept = 0;

  /// The node's actor: the supervisor monitors it, and its loss (the
  /// connection closed, or heartbeats stopped) is the node's loss.
  virtual caf::actor handle() const = 0;

  /// Opens `workers()` lanes for each group of agents (the agents one
  /// executor runs) for run `run`, answering `supervisor`, and returns them
  /// in the same order; a group the node cannot run (an agent its registry
  /// lacks) gets none. Blocks for at most a finite timeout.
  virtual expected<std::vector<std::vector<agent_actor>>>
  open_lanes(std::uint64_t run, const std::vector<std::vector<std::string>>& groups,
             const supervisor_actor& supervisor) = 0;

  /// Ends the lanes of run `run` (one-way).
  virtual void close_lanes(std::uint64_t run) = 0;

  /// One flag per bundle key (the L2 keys of files' records), 1 where the
  /// node's cache holds it; empty when the node cannot tell. Blocks for at
  /// most a finite timeout.
  virtual std::vector<std::uint8_t> cached(const std::vector<cache::cache_key>& bundles) {
    (void) bundles;
    return {};
  }
};

} // namespace troupe::detail
