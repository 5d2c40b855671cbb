#include "troupe/nodes/internal/endpoint.hpp"

#include <cstdlib>
#include <cstring>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace troupe::nodes::detail {

std::string endpoint::to_string() const {
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

expected<endpoint> parse_endpoint(const std::string& text, const std::string& what) {
  auto bad = [&](const std::string& why) {
    return troupe::error{errc::invalid_config,
                         what + " " + (text.empty() ? "''" : text) + ": " + why
                           + " (expected HOST:PORT, e.g. 127.0.0.1:7420)"};
  };
  endpoint out;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("unbalanced brackets");
    out.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos)
      return bad("no port");
    out.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (out.host.find(':') != std::string::npos)
      return bad("an IPv6 address needs brackets");
  }
  if (out.host.empty())
    return bad("no host");
  if (port_text.empty() || port_text.size() > 5
      || port_text.find_first_not_of("0123456789") != std::string::npos)
    return bad("the port is not a number");
  auto port = std::strtoul(port_text.c_str(), nullptr, 10);
  if (port > 65535)
    return bad("the port is out of range");
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

expected<bool> is_loopback_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0" || host == "::")
    return false;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0)
    return troupe::error{errc::invalid_config,
                         "host '" + host + "' does not resolve: " + gai_strerror(rc)};
  bool loopback = res != nullptr;
  for (auto* p = res; p; p = p->ai_next) {
    if (p->ai_family == AF_INET) {
      auto addr = ntohl(reinterpret_cast<const sockaddr_in*>(p->ai_addr)->sin_addr.s_addr);
      loopback = loopback && (addr >> 24) == 127;
    } else if (p->ai_family == AF_INET6) {
      const auto& a6 = reinterpret_cast<const sockaddr_in6*>(p->ai_addr)->sin6_addr;
      loopback = loopback && IN6_IS_ADDR_LOOPBACK(&a6);
    } else {
      loopback = false;
    }
  }
  freeaddrinfo(res);
  return loopback;
}

} // namespace troupe::nodes::detail
