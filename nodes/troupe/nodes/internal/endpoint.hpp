// File: HOST:PORT addresses of nodes, and whether one is loopback. Internal.
#pragma once

#include <cstdint>
#include <string>

#include "troupe/base/expected.hpp"

namespace troupe::nodes::detail {

/// A host and a TCP port.
struct endpoint {
  std::string host;
  std::uint16_t port = 0;

  /// "HOST:PORT", with brackets around an IPv6 literal.
  std::string to_string() const;
};

/// Parses "HOST:PORT" or "[IPV6]:PORT"; `what` names the setting in errors
/// (errc::invalid_config), e.g. "--listen".
expected<endpoint> parse_endpoint(const std::string& text, const std::string& what);

/// Whether every address `host` resolves to is a loopback address
/// (127.0.0.0/8, ::1). An empty host, 0.0.0.0 and :: (every interface) are
/// not; a host that does not resolve is an error naming it.
expected<bool> is_loopback_host(const std::string& host);

} // namespace troupe::nodes::detail
