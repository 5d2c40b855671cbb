// The pooled client against the local index: bodies, connection reuse,
// bounds, 404s, the unpooled baseline, shutdown and concurrent callers.
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "net_test_support.hpp"
#include "troupe/net/http_client_pool.hpp"
#include "troupe/net/index_server.hpp"

using namespace troupe::net;
using namespace troupe::net::test;
using namespace std::chrono_literals;

TEST_CASE("pooled fetch returns the right bodies and reuses connections",
          "[net][client]") {
  index_server server{fixture_options()};
  REQUIRE_FALSE(server.start());
  auto names = package_names(100);
  REQUIRE(names.size() == 100);
  auto data = index_data();

  http_client_options opts;
  opts.port = server.port();
  opts.pool_size = 4;
  opts.max_in_flight = 16; // bounded by the pool: 4 at once
  http_client_pool pool{opts};
  auto results = pool.fetch_all(paths_of(names));

  REQUIRE(results.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    INFO(names[i]);
    REQUIRE(results[i].found());
    CHECK(results[i].attempts == 1);
    CHECK(results[i].path == "/pypi/" + names[i] + "/json");
    auto doc = nlohmann::json::parse(results[i].body);
    CHECK(doc == data[names[i]]);
  }
  auto s = pool.stats();
  CHECK(s.requests == 100);
  CHECK(s.attempts == 100);
  CHECK(s.retries == 0);
  CHECK(s.failures == 0);
  CHECK(s.connections_opened <= opts.pool_size);
  CHECK(s.connections_opened + s.connections_reused == 100);
  CHECK(server.stats().connections == s.connections_opened);

  SECTION("a second batch reuses the same connections") {
    auto again = pool.fetch_all(paths_of(package_names(10)));
    for (auto& r : again)
      CHECK(r.found());
    CHECK(pool.stats().connections_opened == s.connections_opened);
  }
}

TEST_CASE("a 404 is an answer and is not retried", "[net][client]") {
  index_server server{fixture_options()};
  REQUIRE_FALSE(server.start());
  http_client_options opts;
  opts.port = server.port();
  http_client_pool pool{opts};
  auto r = pool.fetch("/pypi/not-a-real-package/json");
  CHECK(r.ok());
  CHECK_FALSE(r.found());
  CHECK(r.status == 404);
  CHECK(r.attempts == 1);
  CHECK(r.reason.empty());
  CHECK(pool.stats().retries == 0);
  CHECK(pool.stats().failures == 0);
  CHECK(server.stats().requests == 1);
}

TEST_CASE("the unpooled baseline opens one connection per request",
          "[net][client]") {
  index_server server{fixture_options()};
  REQUIRE_FALSE(server.start());
  http_client_options opts;
  opts.port = server.port();
  opts.pooled = false;
  http_client_pool pool{opts};
  auto results = pool.fetch_all(paths_of(package_names(20)));
  for (auto& r : results)
    CHECK(r.found());
  CHECK(pool.stats().connections_opened == 20);
  CHECK(pool.stats().connections_reused == 0);
  CHECK(server.stats().connections == 20);
}

TEST_CASE("concurrent callers share the pool", "[net][client]") {
  index_server server{fixture_options()};
  REQUIRE_FALSE(server.start());
  http_client_options opts;
  opts.port = server.port();
  opts.pool_size = 3;
  http_client_pool pool{opts};
  auto names = package_names(60);
  auto first = std::vector<std::string>(names.begin(), names.begin() + 30);
  auto second = std::vector<std::string>(names.begin() + 30, names.end());
  auto other = std::async(std::launch::async,
                          [&] { return pool.fetch_all(paths_of(second)); });
  auto mine = pool.fetch_all(paths_of(first));
  auto theirs = other.get();
  for (std::size_t i = 0; i < 30; ++i) {
    CHECK(nlohmann::json::parse(mine[i].body)["info"]["name"] == first[i]);
    CHECK(nlohmann::json::parse(theirs[i].body)["info"]["name"] == second[i]);
  }
  CHECK(pool.stats().connections_opened <= 3);
}

TEST_CASE("shutdown cancels pending requests and later fetches",
          "[net][client]") {
  auto sopts = fixture_options();
  sopts.latency = 2s;
  index_server server{sopts};
  REQUIRE_FALSE(server.start());
  http_client_options opts;
  opts.port = server.port();
  opts.pool_size = 2;
  http_client_pool pool{opts};
  auto start = std::chrono::steady_clock::now();
  auto pending = std::async(std::launch::async, [&] {
    return pool.fetch_all(paths_of(package_names(6)));
  });
  std::this_thread::sleep_for(200ms);
  pool.shutdown();
  auto results = pending.get();
  CHECK(seconds_since(start) < 1.5);
  for (auto& r : results) {
    CHECK(r.error == fetch_error::cancelled);
    CHECK(r.reason == "pool shut down");
  }
  auto late = pool.fetch("/pypi/requests/json");
  CHECK(late.error == fetch_error::cancelled);
  pool.shutdown(); // idempotent
}

TEST_CASE("idle connections the server closed are not reused",
          "[net][client]") {
  auto sopts = fixture_options();
  sopts.idle_timeout = 100ms;
  index_server server{sopts};
  REQUIRE_FALSE(server.start());
  http_client_options opts;
  opts.port = server.port();
  opts.pool_size = 1;
  http_client_pool pool{opts};
  REQUIRE(pool.fetch("/pypi/requests/json").found());
  std::this_thread::sleep_for(400ms); // the server drops the connection
  auto r = pool.fetch("/pypi/numpy/json");
  CHECK(r.found());
  CHECK(r.attempts == 1); // no attempt spent on the dead connection
  CHECK(pool.stats().retries == 0);
  CHECK(pool.stats().connections_opened == 2);
}
