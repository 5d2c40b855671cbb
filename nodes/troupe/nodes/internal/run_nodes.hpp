// File: the nodes of a `troupe run`: the nodes it joins (`--join`, the
// profile's nodes.join, and every member they know) and the node processes
// it starts itself (parallel.worker_type: process). Internal: the troupe
// executable passes make_run_nodes() to run_command.
//
// A joined node lends its worker slots to the run's group-1 tasks, which
// carry their files; its L3 shard joins the run's L3 group when
// cache.l3_enabled. Node processes are `troupe node --listen 127.0.0.1:0
// --workers 1` children of the run, one per worker, with a token made for
// the run; each dies with the run (PR_SET_PDEATHSIG), and the run stops
// them (SIGTERM, then SIGKILL after 3 s) once its reports are written, on
// an error and on Ctrl-C.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "troupe/nodes/join_credentials.hpp"
#include "troupe/nodes/network_options.hpp"
#include "troupe/runtime/internal/run_nodes.hpp"

namespace troupe::nodes::detail {

/// How a run joins and starts nodes.
struct run_nodes_options {
  /// --token; empty: $TROUPE_TOKEN, else the default token file (joined
  /// nodes only: node processes get a token of their own).
  std::string token;
  std::string cluster = default_cluster;
  /// Mutual TLS with the joined nodes (and the node processes).
  tls_files tls;
  /// The troupe executable that node processes run; empty: this process's.
  std::string executable;
  /// Time a join or an open may take.
  std::chrono::milliseconds timeout{5000};
  /// Time a node process may take to listen.
  std::chrono::milliseconds start_timeout{15000};
};

/// The provider run_command uses.
std::shared_ptr<troupe::detail::run_nodes_provider> make_run_nodes(run_nodes_options options);

} // namespace troupe::nodes::detail
