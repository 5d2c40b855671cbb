// Membership: nodes that join one another learn every member, and a member
// that dies (kill -9) or hangs (SIGSTOP) is seen as lost in under 2 s
// (heartbeats 250 ms, connection timeout 1250 ms).
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <set>

#include "node_process.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

const std::string token = "membership-test-token";

/// Names of the members (role node) a node lists in its health.
std::set<std::string> members_of(test::client& c, const nodes::detail::joined_node& j) {
  auto h = c.health(j);
  if (!h)
    return {"<no health: " + h.error().message() + ">"};
  std::set<std::string> out;
  for (const auto& p : h->peers)
    if (p.role == static_cast<std::uint8_t>(nodes::detail::peer_role::node))
      out.insert(p.name);
  return out;
}

/// Seconds until `member` is gone from `j`'s member list (polled), or -1.
double seconds_until_gone(test::client& c, const nodes::detail::joined_node& j,
                          const std::string& member, std::chrono::steady_clock::time_point since) {
  bool gone = test::eventually([&] { return members_of(c, j).count(member) == 0; }, 10s);
  if (!gone)
    return -1;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

} // namespace

TEST_CASE("members learn each other and see a lost member in under 2 s", "[cluster][membership]") {
  test::node_process a{{"--token", token, "--name", "A"}};
  REQUIRE(a.wait_listening());
  test::node_process b{{"--token", token, "--name", "B", "--join", a.address()}};
  REQUIRE(b.wait_listening());
  // C joins B only: it learns A from B's welcome, A learns C from B.
  test::node_process c_node{{"--token", token, "--name", "C", "--join", b.address()}};
  REQUIRE(c_node.wait_listening());
  test::client c;
  auto ja = c.join(a.port(), token);
  auto jb = c.join(b.port(), token);
  auto jc = c.join(c_node.port(), token);
  REQUIRE(ja);
  REQUIRE(jb);
  REQUIRE(jc);
  using names = std::set<std::string>;
  CHECK(test::eventually([&] { return members_of(c, *ja) == names{"B", "C"}; }));
  CHECK(test::eventually([&] { return members_of(c, *jb) == names{"A", "C"}; }));
  CHECK(test::eventually([&] { return members_of(c, *jc) == names{"A", "B"}; }));
  INFO(a.err() << "\n---\n" << b.err() << "\n---\n" << c_node.err());
  CHECK(members_of(c, *ja) == names{"B", "C"});
  CHECK(members_of(c, *jc) == names{"A", "B"});

  // kill -9: the socket closes, the survivors drop B at once.
  auto killed = std::chrono::steady_clock::now();
  b.process().signal(SIGKILL);
  auto seen_by_a = seconds_until_gone(c, *ja, "B", killed);
  auto seen_by_c = seconds_until_gone(c, *jc, "B", killed);
  WARN("kill -9 of B seen by A after " << seen_by_a << " s, by C after " << seen_by_c << " s");
  CHECK(seen_by_a >= 0);
  CHECK(seen_by_a < 2.0);
  CHECK(seen_by_c >= 0);
  CHECK(seen_by_c < 2.0);
  CHECK(members_of(c, *ja) == names{"C"});
  CHECK(b.process().reap(5s) == 128 + SIGKILL);

  // SIGSTOP: the socket stays open; only the heartbeats tell.
  auto stopped = std::chrono::steady_clock::now();
  c_node.process().signal(SIGSTOP);
  auto stop_seen = seconds_until_gone(c, *ja, "C", stopped);
  WARN("SIGSTOP of C seen by A after " << stop_seen << " s");
  CHECK(stop_seen >= 1.0); // not before the connection timeout
  CHECK(stop_seen < 2.0);
  CHECK(test::eventually([&] { return a.err().find("member C") != std::string::npos
                                      && a.err().find("left the cluster") != std::string::npos; }));
  c_node.process().signal(SIGCONT);
  c_node.process().signal(SIGKILL);
}
