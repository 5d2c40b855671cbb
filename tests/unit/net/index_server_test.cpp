// The local package-index server: routes, name normalization, 404s, start
// errors and fault counters (checked through the client).
#include <catch2/catch.hpp>

#include "net_test_support.hpp"
#include "troupe/net/http_client_pool.hpp"
#include "troupe/net/index_server.hpp"

using namespace troupe::net;
using namespace troupe::net::test;

namespace {

http_client_options client_for(const index_server& server) {
  http_client_options opts;
  opts.port = server.port();
  opts.timeout = std::chrono::seconds(5);
  return opts;
}

} // namespace

TEST_CASE("index server serves packages of the data file", "[net][server]") {
  index_server server{fixture_options()};
  REQUIRE_FALSE(server.start());
  REQUIRE(server.port() != 0);
  auto data = index_data();
  CHECK(server.package_count() == data.size());
  http_client_pool pool{client_for(server)};

  auto r = pool.fetch("/pypi/requests/json");
  REQUIRE(r.found());
  auto doc = nlohmann::json::parse(r.body);
  CHECK(doc["info"]["name"] == "requests");
  CHECK(doc["info"]["version"] == data["requests"]["info"]["version"]);
  CHECK(doc["releases"].size() == data["requests"]["releases"].size());

  SECTION("names match after PEP 503 normalization") {
    auto yaml = pool.fetch("/pypi/pyyaml/json");
    REQUIRE(yaml.found());
    CHECK(nlohmann::json::parse(yaml.body)["info"]["name"] == "PyYAML");
    CHECK(pool.fetch("/pypi/Typing_Extensions/json").found());
  }
  SECTION("unknown packages and paths are 404 with a JSON body") {
    auto missing = pool.fetch("/pypi/no-such-package-xyz/json");
    CHECK(missing.ok());
    CHECK(missing.status == 404);
    CHECK(nlohmann::json::parse(missing.body)["message"] == "Not Found");
    CHECK(pool.fetch("/simple/requests/").status == 404);
    CHECK(pool.fetch("/pypi/a/b/json").status == 404);
    CHECK(server.stats().not_found >= 1);
  }
}

TEST_CASE("index server start reports its errors", "[net][server]") {
  SECTION("a missing data file") {
    auto opts = fixture_options();
    opts.data_file = "/nonexistent/packages.json";
    index_server server{opts};
    auto err = server.start();
    REQUIRE(err);
    CHECK(err->find("cannot open") != std::string::npos);
  }
  SECTION("a port already in use") {
    index_server first{fixture_options()};
    REQUIRE_FALSE(first.start());
    auto opts = fixture_options();
    opts.port = first.port();
    index_server second{opts};
    auto err = second.start();
    REQUIRE(err);
    CHECK(err->find("127.0.0.1:" + std::to_string(first.port()))
          != std::string::npos);
  }
}

TEST_CASE("index server random faults follow their rates", "[net][server]") {
  auto opts = fixture_options();
  opts.fail_rate = 0.3;
  opts.seed = 42;
  index_server server{opts};
  REQUIRE_FALSE(server.start());
  auto client = client_for(server);
  client.max_retries = 0;
  http_client_pool pool{client};
  auto results = pool.fetch_all(paths_of(package_names(100)));
  std::size_t errors = 0;
  for (auto& r : results)
    if (r.status == 503)
      ++errors;
  CHECK(errors == server.stats().injected_errors);
  CHECK(errors > 15); // 30 expected
  CHECK(errors < 45);
}

TEST_CASE("index server latency overlaps across connections", "[net][server]") {
  auto opts = fixture_options();
  opts.latency = std::chrono::milliseconds(200);
  index_server server{opts};
  REQUIRE_FALSE(server.start());
  auto client = client_for(server);
  client.pool_size = 8;
  client.max_in_flight = 8;
  http_client_pool pool{client};
  auto start = std::chrono::steady_clock::now();
  auto results = pool.fetch_all(paths_of(package_names(8)));
  auto elapsed = seconds_since(start);
  for (auto& r : results)
    CHECK(r.found());
  // Eight delays of 200 ms in sequence would take 1.6 s.
  CHECK(elapsed < 0.8);
}
