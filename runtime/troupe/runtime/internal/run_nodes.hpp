// File: how `troupe run` gets other nodes for a run (`--join`, the
// profile's nodes.join, parallel.worker_type: process). The runtime knows
// only this seam; the nodes component implements it
// (nodes::detail::make_run_nodes) and the troupe executable passes it in
// run_command_options::nodes. Internal: never installed.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "troupe/base/error.hpp"
#include "troupe/base/expected.hpp"
#include "troupe/config/settings.hpp"
#include "troupe/runtime/internal/remote_node.hpp"
#include "troupe/runtime/runtime_options.hpp"

namespace troupe {
class runtime;
} // namespace troupe

namespace troupe::detail {

/// The nodes of one run; destroying the last copy of a node closes the
/// connections and stops the node processes the run started.
struct run_nodes {
  std::vector<std::shared_ptr<remote_node>> nodes;
  /// Whether the nodes are the run's workers (worker_type: process): this
  /// process then keeps its slots for the corpus agents and the report.
  bool nodes_are_workers = false;
  /// Lines for the log: what was joined or started.
  std::vector<std::string> notes;
  /// Ends the run's use of the nodes now (stops the node processes, leaves
  /// the L3 group), even while copies of `nodes` are still held elsewhere.
  std::function<void()> stop;
};

/// The nodes component's side of a run.
class run_nodes_provider {
public:
  virtual ~run_nodes_provider() = default;

  /// Whether a run with `settings` and `--join` addresses `join` uses
  /// other nodes; if so, sets up `ro` to talk to them (CAF's middleman,
  /// heartbeats, TLS). Errors are errc::invalid_config naming the setting.
  virtual expected<bool> prepare(runtime_options& ro, const config::settings& settings,
                                 const std::vector<std::string>& join) = 0;

  /// Joins the nodes (and starts the node processes) once `rt` runs, and
  /// gives the run's cache their L3 shards when cache.l3_enabled. Errors:
  /// errc::peer_refused (a join refused, exit 2), errc::peer_unreachable
  /// (exit 69), others (exit 2).
  virtual expected<run_nodes> connect(runtime& rt, const config::settings& settings,
                                      const std::vector<std::string>& join) = 0;
};

} // namespace troupe::detail
