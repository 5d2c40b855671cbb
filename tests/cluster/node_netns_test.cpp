// Two nodes on addresses other than loopback, in two network namespaces
// joined by a veth pair (tests/cluster/netns.sh): they need mutual TLS, find
// each other, and a partition (the link cut) is seen in under 2 s. Exits
// with 77 (reported as skipped by ctest) where namespaces cannot be made.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <regex>

#include <nlohmann/json.hpp>

#include "node_process.hpp"
#include "test_pki.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

const std::string token = "netns-test-token";

std::string netns_script() {
  return (std::filesystem::path{test::env_or("TROUPE_SOURCE_DIR", ".")} / "tests" / "cluster"
          / "netns.sh")
    .string();
}

int run_script(const std::vector<std::string>& args) {
  std::vector<std::string> all{"/bin/bash", netns_script()};
  all.insert(all.end(), args.begin(), args.end());
  test::child_process p{all};
  return p.reap(30s);
}

/// The two namespaces of one test, removed by the destructor.
struct namespaces {
  std::string name = "tr" + std::to_string(::getpid());
  bool up = false;
  namespaces() {
    up = run_script({"up", name}) == 0;
  }
  ~namespaces() {
    run_script({"down", name});
  }
};

/// The address a `troupe node` prints once it listens.
std::string wait_address(test::child_process& p) {
  std::smatch m;
  std::regex line{"troupe node: listening on ([0-9.]+:[0-9]+)\n"};
  std::string out;
  test::eventually([&] {
    out = p.out();
    return std::regex_search(out, m, line) || !p.running();
  }, 20s);
  return std::regex_search(out, m, line) ? m[1].str() : std::string{};
}

/// `troupe node --health ADDRESS` run inside namespace side `side`.
struct health_result {
  int code = -1;
  nlohmann::json json;
  std::string err;
};

health_result health_from(const namespaces& ns, const char* side, const std::string& address,
                          const std::vector<std::string>& extra) {
  std::vector<std::string> args{"/bin/bash", netns_script(), "exec", ns.name, side,
                                test::troupe_binary(), "node", "--health", address, "--token",
                                token, "--timeout", "3000"};
  args.insert(args.end(), extra.begin(), extra.end());
  test::child_process p{args};
  health_result r;
  r.code = p.reap(30s);
  r.err = p.err();
  if (r.code == 0)
    r.json = nlohmann::json::parse(p.out(), nullptr, false);
  return r;
}

bool lists(const nlohmann::json& health, const std::string& name) {
  if (!health.is_object())
    return false;
  for (const auto& p : health["peers"])
    if (p["name"] == name && p["role"] == "node")
      return true;
  return false;
}

} // namespace

TEST_CASE("nodes in two namespaces: mutual TLS across addresses, a partition seen in under 2 s",
          "[cluster][netns]") {
  if (run_script({"check"}) == 77) {
    std::fprintf(stderr, "skipped: network namespaces cannot be made here (needs root)\n");
    std::exit(77);
  }
  namespaces ns;
  REQUIRE(ns.up);
  test::test_pki pki;
  std::vector<std::string> tls{"--tls-ca", pki.ca, "--tls-cert", pki.node_cert, "--tls-key",
                               pki.node_key};
  auto node_args = [&](const char* side, const char* addr, std::vector<std::string> more) {
    std::vector<std::string> args{"/bin/bash", netns_script(), "exec", ns.name, side,
                                  test::troupe_binary(), "node", "--listen",
                                  std::string{addr} + ":0", "--no-cache", "--workers", "1",
                                  "--token", token};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  // Without TLS, a node refuses such an address.
  test::child_process plain{node_args("a", "10.77.0.1", {})};
  CHECK(plain.reap(20s) == 2);
  CHECK(plain.err().find("is not a loopback address") != std::string::npos);

  auto a_args = node_args("a", "10.77.0.1", tls);
  a_args.insert(a_args.end(), {"--name", "A"});
  test::child_process a{a_args};
  auto a_addr = wait_address(a);
  INFO(a.err());
  REQUIRE_FALSE(a_addr.empty());
  CHECK(a_addr.rfind("10.77.0.1:", 0) == 0);
  auto a_port = static_cast<std::uint16_t>(std::stoi(a_addr.substr(a_addr.find(':') + 1)));
  CHECK(test::listeners(a.pid(), a_port) == std::vector<std::string>{[&] {
          char buf[32];
          std::snprintf(buf, sizeof buf, "tcp 01004D0A:%04X", a_port);
          return std::string{buf};
        }()});

  auto b_args = node_args("b", "10.77.0.2", tls);
  b_args.insert(b_args.end(), {"--name", "B", "--join", a_addr});
  test::child_process b{b_args};
  auto b_addr = wait_address(b);
  INFO(b.err());
  REQUIRE_FALSE(b_addr.empty());

  std::vector<std::string> client_tls{"--tls-ca", pki.ca, "--tls-cert", pki.client_cert,
                                      "--tls-key", pki.client_key};
  // From B's namespace, with the cluster's certificate: A lists B.
  auto seen = health_from(ns, "b", a_addr, client_tls);
  INFO(seen.err);
  REQUIRE(seen.code == 0);
  CHECK(lists(seen.json, "B"));
  // Without TLS: refused during the handshake, reported as unreachable.
  auto refused = health_from(ns, "b", a_addr, {});
  CHECK(refused.code == 69);

  // Partition: the link goes down; A's heartbeat check drops B.
  auto cut_at = std::chrono::steady_clock::now();
  REQUIRE(run_script({"cut", ns.name}) == 0);
  std::string left_line;
  bool dropped = test::eventually([&] {
    return a.err().find("member B (" + b_addr + ") left the cluster") != std::string::npos;
  }, 5s);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - cut_at).count();
  WARN("partition seen by A after " << seconds << " s");
  CHECK(dropped);
  CHECK(seconds < 2.0);
  auto after = health_from(ns, "a", a_addr, client_tls);
  REQUIRE(after.code == 0);
  CHECK_FALSE(lists(after.json, "B"));
  REQUIRE(run_script({"heal", ns.name}) == 0);
  a.signal(SIGTERM);
  b.signal(SIGTERM);
  CHECK(a.reap(10s) == 0);
  CHECK(b.reap(10s) == 0);
}
