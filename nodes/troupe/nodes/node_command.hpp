// File: `troupe node`: the node daemon, and `troupe node --health`.
//
// A node starts a troupe runtime (same profile loading, loggers and signal
// handling as `troupe run`), publishes one node actor with CAF's middleman
// on its listen address (127.0.0.1 unless told otherwise; any other address
// requires mutual TLS), joins the nodes given with --join, prints
// "troupe node: listening on HOST:PORT" and serves until SIGINT or SIGTERM.
//
// Exit codes: 0 stopped by SIGINT/SIGTERM (or health printed); 2 usage or
// configuration error (bad address, TLS missing for a non-loopback address,
// bad TLS files, token file, port in use) or a join refused (cluster id,
// protocol version or token mismatch: the message names which); 69 a node
// to join or to ask could not be reached.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "troupe/config/profile_loader.hpp"
#include "troupe/nodes/join_credentials.hpp"
#include "troupe/nodes/network_options.hpp"

namespace troupe::nodes {

/// Port of `troupe node` when --listen gives none.
inline constexpr std::uint16_t default_port = 7420;

/// Arguments of `troupe node`.
struct node_command_options {
  /// HOST:PORT to listen on; port 0 picks a free one.
  std::string listen = "127.0.0.1:7420";
  /// Nodes to join at start (HOST:PORT each).
  std::vector<std::string> join;
  std::string profile = "balanced";
  std::optional<std::uint32_t> workers;
  /// Cache folder of the node's L1/L2; empty means default_cache_dir().
  std::string cache_dir;
  bool no_cache = false;
  /// Token; empty means $TROUPE_TOKEN, else the default token file.
  std::string token;
  std::string cluster = default_cluster;
  /// The node's name in logs and health; empty means HOST:PORT.
  std::string name;
  tls_files tls;
  /// Time a join or a health request may take.
  std::uint32_t timeout_ms = 5000;
};

/// `troupe node`: serves until SIGINT/SIGTERM; returns the exit code.
int node_command(const config::profile_loader& loader, const node_command_options& options);

/// `troupe node --health HOST:PORT`: joins the node as an observer and
/// prints its health as JSON on stdout; returns the exit code.
int node_health_command(const std::string& address, const node_command_options& options);

} // namespace troupe::nodes
