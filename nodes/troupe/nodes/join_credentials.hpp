// File: what a process must know to join a troupe cluster: the cluster id
// and the shared token.
//
// The token never travels: both sides of a join prove they know it
// (HMAC-SHA256 over nonces from each side). Without --token or
// TROUPE_TOKEN, nodes and runs of one user on one machine share a token
// kept in a file of mode 0600 in the user's troupe cache folder, created by
// the first process that needs it.
#pragma once

#include <string>

#include "troupe/base/expected.hpp"

namespace troupe::nodes {

/// The cluster id when none is given.
inline constexpr const char* default_cluster = "troupe";

/// Who may join whom.
struct join_credentials {
  /// Processes of different clusters refuse each other.
  std::string cluster = default_cluster;
  /// The shared secret.
  std::string token;
};

/// The token file when neither --token nor TROUPE_TOKEN is set:
/// default_cache_dir()/node-token.
std::string default_token_file();

/// The token to use: `given` when not empty, else $TROUPE_TOKEN when set
/// and not empty, else the contents of `token_file` (default:
/// default_token_file()), which is created with mode 0600 holding 256
/// random bits when it does not exist. Errors (errc::invalid_config) name
/// the file: unreadable, empty, or readable or writable by other users.
expected<std::string> resolve_token(const std::string& given, std::string token_file = {});

} // namespace troupe::nodes
