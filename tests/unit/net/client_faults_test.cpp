// Retries and failures: injected 5xx, connections closed mid-response,
// slow responses against the timeout, and a port nobody listens on.
#include <catch2/catch.hpp>

#include "net_test_support.hpp"
#include "troupe/net/http_client_pool.hpp"
#include "troupe/net/index_server.hpp"

using namespace troupe::net;
using namespace troupe::net::test;
using namespace std::chrono_literals;

namespace {

constexpr auto err = index_fault::server_error;
constexpr auto cut = index_fault::cut;
constexpr auto slow = index_fault::slow;

http_client_options client_for(const index_server& server) {
  http_client_options opts;
  opts.port = server.port();
  opts.timeout = 2s;
  opts.max_retries = 3;
  opts.backoff_base = 10ms;
  return opts;
}

} // namespace

TEST_CASE("transient faults are retried until they succeed", "[net][faults]") {
  auto sopts = fixture_options();
  sopts.schedule["requests"] = {err, err};
  sopts.schedule["numpy"] = {cut};
  sopts.schedule["PyYAML"] = {cut, err, cut};
  index_server server{sopts};
  REQUIRE_FALSE(server.start());
  http_client_pool pool{client_for(server)};
  auto results = pool.fetch_all(paths_of({"requests", "numpy", "PyYAML",
                                          "six"}));
  for (auto& r : results) {
    INFO(r.path << ": " << r.reason);
    REQUIRE(r.found());
    CHECK(nlohmann::json::parse(r.body).contains("info"));
  }
  CHECK(results[0].attempts == 3);
  CHECK(results[1].attempts == 2);
  CHECK(results[2].attempts == 4);
  CHECK(results[3].attempts == 1);
  auto s = pool.stats();
  CHECK(s.retries == 2 + 1 + 3);
  CHECK(s.attempts == 4 + 6);
  CHECK(s.failures == 0);
  CHECK(server.stats().injected_errors == 3);
  CHECK(server.stats().injected_cuts == 3);
}

TEST_CASE("faults that persist fail after max retries with the reason",
          "[net][faults]") {
  auto sopts = fixture_options();
  sopts.schedule["flask"] = {err, err, err, err, err, err};
  sopts.schedule["django"] = {cut, cut, cut, cut, cut, cut};
  index_server server{sopts};
  REQUIRE_FALSE(server.start());
  auto opts = client_for(server);
  opts.max_retries = 2;
  http_client_pool pool{opts};
  auto results = pool.fetch_all(paths_of({"flask", "django"}));

  auto& flask = results[0];
  CHECK(flask.error == fetch_error::server_error);
  CHECK(flask.status == 503);
  CHECK(flask.attempts == 3);
  CHECK(flask.reason == "HTTP 503 Service Unavailable");

  auto& django = results[1];
  CHECK(django.error == fetch_error::connection_closed);
  CHECK(django.attempts == 3);
  CHECK(django.reason.rfind("read: ", 0) == 0);
  INFO(django.reason);

  CHECK(pool.stats().failures == 2);
  CHECK(pool.stats().retries == 4);
}

TEST_CASE("a server slower than the timeout gives a timeout error",
          "[net][faults]") {
  auto sopts = fixture_options();
  sopts.slow_delay = 5s;
  sopts.schedule["pandas"] = {slow, slow, slow};
  index_server server{sopts};
  REQUIRE_FALSE(server.start());
  auto opts = client_for(server);
  opts.timeout = 200ms;
  opts.max_retries = 1;
  http_client_pool pool{opts};
  auto start = std::chrono::steady_clock::now();
  auto results = pool.fetch_all(paths_of({"pandas", "scipy"}));
  auto elapsed = seconds_since(start);
  CHECK(results[0].error == fetch_error::timeout);
  CHECK(results[0].attempts == 2);
  CHECK(results[0].reason == "read: no answer within 200 ms");
  CHECK(results[1].found()); // the other request is unaffected
  // Two 200 ms attempts and one short backoff, far below the 5 s delay.
  CHECK(elapsed >= 0.4);
  CHECK(elapsed < 1.5);

  auto stop_start = std::chrono::steady_clock::now();
  server.stop(); // cancels the pending 5 s delays
  CHECK(seconds_since(stop_start) < 1.0);
}

TEST_CASE("a body over the limit is a protocol error, not retried",
          "[net][faults]") {
  index_server server{fixture_options()};
  REQUIRE_FALSE(server.start());
  auto opts = client_for(server);
  opts.max_body_bytes = 100;
  http_client_pool pool{opts};
  auto r = pool.fetch("/pypi/requests/json");
  CHECK(r.error == fetch_error::protocol_error);
  CHECK(r.attempts == 1);
  CHECK(r.reason.rfind("read: ", 0) == 0);
}

TEST_CASE("a port nobody listens on fails fast with a clear error",
          "[net][faults]") {
  std::uint16_t port = 0;
  {
    index_server probe{fixture_options()};
    REQUIRE_FALSE(probe.start());
    port = probe.port();
  } // closed: nothing listens on `port` now
  http_client_options opts;
  opts.port = port;
  opts.max_retries = 3;
  opts.backoff_base = 20ms;
  http_client_pool pool{opts};
  auto start = std::chrono::steady_clock::now();
  auto r = pool.fetch("/pypi/requests/json");
  CHECK(seconds_since(start) < 1.0);
  CHECK(r.error == fetch_error::connect_failed);
  CHECK(r.status == 0);
  CHECK(r.attempts == 4);
  CHECK(r.reason == "connect: Connection refused");
  CHECK(to_string(r.error) == "connect_failed");
  CHECK(pool.stats().connections_opened == 4);
}
