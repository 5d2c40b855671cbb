// File: turning a runtime into one that talks to other troupe processes.
//
// Usage (a process that joins nodes, e.g. a run with remote workers):
//
//   troupe::runtime_options ro;
//   troupe::nodes::network_options net;          // heartbeats on, no TLS
//   net.tls = {"ca.pem", "node.pem", "node.key"};  // mutual TLS, one CA per cluster
//   if (auto err = troupe::nodes::enable_network(ro, net))
//     fail(err.message());                        // names the file and what is wrong
//   troupe::runtime rt{ro};
//
// The runtime's actor system then loads CAF's middleman (and its OpenSSL
// module when TLS is on), with heartbeats, and knows the node protocol.
#pragma once

#include <chrono>
#include <string>

#include "troupe/base/error.hpp"
#include "troupe/runtime/runtime_options.hpp"

namespace troupe::nodes {

/// The files of mutual TLS: the cluster's CA, this process's certificate
/// (signed by that CA) and its private key (PEM, not encrypted).
struct tls_files {
  std::string ca;
  std::string certificate;
  std::string key;

  /// Whether any file is set (then all three must be).
  bool enabled() const noexcept {
    return !ca.empty() || !certificate.empty() || !key.empty();
  }
};

/// How a runtime talks to other troupe processes.
struct network_options {
  /// Mutual TLS on every connection when set; plain BASP otherwise.
  tls_files tls;
  /// Heartbeats on every connection, and how long a silent peer may stay
  /// connected: a paused or cut-off peer is seen as lost after at most
  /// connection_timeout + heartbeat_interval. The timeout must be at least
  /// four intervals (one late heartbeat is no loss).
  std::chrono::milliseconds heartbeat_interval{250};
  std::chrono::milliseconds connection_timeout{1250};
};

/// Checks `net` (with TLS: each file readable, the key is the
/// certificate's, the certificate is signed by the CA) and sets
/// `ro.network` and the node protocol in `ro.setup`, so that a runtime
/// started with `ro` can publish a node and join others. Errors are errc::invalid_config naming the file or
/// setting and what is wrong with it.
[[nodiscard]] error enable_network(runtime_options& ro, const network_options& net);

} // namespace troupe::nodes
