// HOST:PORT parsing and the loopback test that decides whether TLS is
// required.
#include <catch2/catch.hpp>

#include "troupe/nodes/internal/endpoint.hpp"

using namespace troupe;
using namespace troupe::nodes::detail;

TEST_CASE("endpoints parse and print", "[nodes][endpoint]") {
  auto a = parse_endpoint("127.0.0.1:7420", "--listen");
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 7420);
  CHECK(a->to_string() == "127.0.0.1:7420");
  auto b = parse_endpoint("[::1]:0", "--listen");
  REQUIRE(b);
  CHECK(b->host == "::1");
  CHECK(b->port == 0);
  CHECK(b->to_string() == "[::1]:0");
  auto c = parse_endpoint("localhost:65535", "--join");
  REQUIRE(c);
  CHECK(c->port == 65535);
}

TEST_CASE("bad endpoints are refused naming the setting", "[nodes][endpoint]") {
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", ":80", "host:port", "h:65536", "::1:80",
                          "[::1:80", "h:-1", "h:123456"}) {
    auto r = parse_endpoint(bad, "--join");
    INFO(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::invalid_config);
    CHECK(r.error().message().find("--join") == 0);
  }
}

TEST_CASE("loopback addresses are told from the others", "[nodes][endpoint]") {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    INFO(host);
    auto r = is_loopback_host(host);
    REQUIRE(r);
    CHECK(*r);
  }
  for (const char* host : {"0.0.0.0", "::", "", "10.77.0.1", "192.168.1.1", "::ffff:10.0.0.1"}) {
    INFO(host);
    auto r = is_loopback_host(host);
    REQUIRE(r);
    CHECK_FALSE(*r);
  }
}
