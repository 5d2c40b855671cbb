// Security of a plain (loopback) node: what it binds, how it stops, and
// that joins with a wrong token, cluster id or protocol version are refused
// on both sides; no exposed actor processes a message of a peer that did
// not join.
#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "node_process.hpp"
#include "raw_basp.hpp"
#include "test_supervisor.hpp"
#include "troupe/base/internal/caf_error.hpp"
#include "troupe/nodes/internal/handshake.hpp"

using namespace troupe;
using namespace troupe::nodes::detail;
using namespace std::chrono_literals;

namespace {

const std::string token = "cluster-test-token-0123456789";

bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

/// Waits until the node's log shows `what`.
bool logged(test::node_process& node, const std::string& what) {
  return test::eventually([&] { return contains(node.err(), what); }, 5s);
}

} // namespace

TEST_CASE("the default listener binds 127.0.0.1 only", "[cluster][security]") {
  // In a network namespace of its own (when this process may make one), so
  // that the default port is free whatever else runs on this machine.
  bool own_ns = ::geteuid() == 0;
  std::vector<std::string> args;
  if (own_ns)
    args = {"/usr/bin/unshare", "--net", "--", "/bin/sh", "-c",
            "ip link set lo up && exec " + test::troupe_binary()
              + " node --no-cache --workers 1 --token " + token};
  else
    args = {test::troupe_binary(), "node", "--no-cache", "--workers", "1", "--token", token};
  test::child_process node{args};
  const std::string marker = "troupe node: listening on 127.0.0.1:7420";
  REQUIRE(test::eventually([&] { return contains(node.out(), marker) || !node.running(); }));
  INFO(node.err());
  REQUIRE(contains(node.out(), marker));
  // 127.0.0.1:7420 = 0100007F:1CFC; nothing on tcp6, nothing on 0.0.0.0.
  CHECK(test::listeners(node.pid(), 7420) == std::vector<std::string>{"tcp 0100007F:1CFC"});
  node.signal(SIGTERM);
  CHECK(node.reap(10s) == 0);
}

TEST_CASE("--listen 127.0.0.1:0 binds loopback only, on a free port", "[cluster][security]") {
  test::node_process node{{"--token", token}};
  REQUIRE(node.wait_listening());
  char expected[32];
  std::snprintf(expected, sizeof expected, "tcp 0100007F:%04X", node.port());
  CHECK(test::listeners(node.process().pid(), node.port()) == std::vector<std::string>{expected});
}

TEST_CASE("a node stops cleanly on SIGTERM and SIGINT", "[cluster][security]") {
  for (int sig : {SIGTERM, SIGINT}) {
    test::node_process node{{"--token", token}};
    REQUIRE(node.wait_listening());
    auto pid = node.process().pid();
    {
      // A member connected at the time of the stop.
      test::client c;
      auto j = c.join(node.port(), token);
      REQUIRE(j);
      node.process().signal(sig);
      CHECK(node.process().reap(10s) == 0);
    }
    // The port is closed and the process is gone (reaped, no orphan left).
    CHECK(test::listeners(0, node.port()).empty());
    errno = 0;
    CHECK(::kill(pid, 0) == -1);
    CHECK(errno == ESRCH);
    // Nothing alarming: every log line is informational.
    auto err = node.err();
    INFO(err);
    CHECK_FALSE(contains(err, "[warning]"));
    CHECK_FALSE(contains(err, "[error]"));
    CHECK(contains(err, sig == SIGTERM ? "stopping on SIGTERM" : "stopping on SIGINT"));
    CHECK(node.process().out() == "troupe node: listening on " + node.address() + "\n");
  }
}

TEST_CASE("an address other than loopback needs mutual TLS; bad settings are exit 2",
          "[cluster][security]") {
  for (const char* listen : {"0.0.0.0:0", "10.77.0.1:0"}) {
    test::node_process node{{"--listen", listen, "--token", token}};
    CHECK(node.process().reap(20s) == 2);
    auto err = node.err();
    INFO(err);
    CHECK(contains(err, std::string{"--listen "} + listen + " is not a loopback address"));
    CHECK(contains(err, "missing: --tls-ca, --tls-cert, --tls-key"));
    CHECK(node.process().out().empty());
  }
  test::node_process partial{{"--listen", "0.0.0.0:0", "--token", token, "--tls-ca", "/nonexistent/ca.pem"}};
  CHECK(partial.process().reap(20s) == 2);
  CHECK(contains(partial.err(), "missing: --tls-cert, --tls-key"));
  test::node_process bad_listen{{"--listen", "127.0.0.1", "--token", token}};
  CHECK(bad_listen.process().reap(20s) == 2);
  CHECK(contains(bad_listen.err(), "--listen 127.0.0.1: no port"));
  test::node_process bad_join{{"--join", "nowhere", "--token", token}};
  CHECK(bad_join.process().reap(20s) == 2);
  CHECK(contains(bad_join.err(), "--join nowhere: no port"));
}

TEST_CASE("a wrong token, cluster id or version is refused on both sides", "[cluster][security]") {
  test::node_process node{{"--token", token, "--cluster", "blue", "--name", "n1"}};
  REQUIRE(node.wait_listening());
  test::client c;

  SECTION("token") {
    auto j = c.join(node.port(), "not-the-token", "blue");
    REQUIRE_FALSE(j);
    CHECK(j.error().code() == errc::peer_refused);
    CHECK(contains(j.error().message(), "token mismatch"));
    CHECK(logged(node, "refused by the joiner: token mismatch"));
  }
  SECTION("cluster id") {
    auto j = c.join(node.port(), token, "red");
    REQUIRE_FALSE(j);
    CHECK(j.error().code() == errc::peer_refused);
    CHECK(contains(j.error().message(),
                   "cluster id mismatch: this node is in cluster 'blue', the joiner in 'red'"));
    CHECK(logged(node, "refused: cluster id mismatch: this node is in cluster 'blue', the "
                       "joiner in 'red'"));
  }
  SECTION("protocol version") {
    auto j = c.join(node.port(), token, "blue", protocol_version + 1);
    REQUIRE_FALSE(j);
    CHECK(j.error().code() == errc::peer_refused);
    CHECK(contains(j.error().message(), "protocol version mismatch"));
    CHECK(logged(node, "refused: protocol version mismatch: this node speaks version "
                         + std::to_string(protocol_version) + ", the joiner version "
                         + std::to_string(protocol_version + 1)));
  }
  SECTION("the node checks the joiner's proof") {
    // A joiner that goes on although it cannot prove the token: the node
    // refuses it by its own check.
    auto& sys = c.system();
    auto mm = sys.middleman().actor_handle();
    caf::scoped_actor self{sys};
    caf::strong_actor_ptr ptr;
    self->request(mm, 5s, caf::connect_atom::value, std::string{"127.0.0.1"}, node.port())
      .receive([&](caf::node_id&, caf::strong_actor_ptr& p, std::set<std::string>&) { ptr = p; },
               [&](caf::error& err) { FAIL(sys.render(err)); });
    auto n = caf::actor_cast<node_actor>(ptr);
    auto anchor = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
      return {[](caf::ok_atom) {}};
    });
    hello h{protocol_version, "blue", "forger", 2, "", make_nonce(), anchor};
    std::optional<challenge> ch;
    self->request(n, 5s, hello_atom::value, h)
      .receive([&](challenge& x) { ch = x; }, [&](caf::error& err) { FAIL(sys.render(err)); });
    REQUIRE(ch);
    caf::error refused;
    self->request(n, 5s, auth_atom::value, auth{ch->session, std::string(32, 'x'), ""})
      .receive([&](welcome&) { FAIL("welcomed without the token"); },
               [&](caf::error& err) { refused = err; });
    auto e = troupe::detail::from_caf(refused);
    CHECK(e.code() == errc::peer_refused);
    CHECK(e.message() == "token mismatch: the joiner's proof does not match this node's token");
    CHECK(logged(node, "join from 'forger' (run, node " + caf::to_string(sys.node())
                         + ") refused: token mismatch: the joiner's proof does not match"));
    // Still not admitted: a health request goes unanswered.
    self->request(n, 500ms, health_atom::value)
      .receive([&](node_health&) { FAIL("a refused joiner got an answer"); },
               [&](caf::error& err) {
                 CHECK(err == caf::make_error(caf::sec::request_timeout));
               });
    caf::anon_send_exit(anchor, caf::exit_reason::user_shutdown);
  }
  SECTION("the command line reports a refusal as exit 2") {
    test::child_process health{{test::troupe_binary(), "node", "--health",
                                "127.0.0.1:" + std::to_string(node.port()), "--token", "wrong",
                                "--cluster", "blue"}};
    CHECK(health.reap(20s) == 2);
    CHECK(contains(health.err(), "token mismatch"));
    CHECK(health.out().empty());
  }
  // Whatever was refused, a right join still works and counts the refusal.
  auto ok = c.join(node.port(), token, "blue");
  REQUIRE(ok);
  auto h = c.health(*ok);
  REQUIRE(h);
  CHECK(h->joins_refused >= 1);
  CHECK(h->joins_accepted == 1);
}

TEST_CASE("a node that cannot be reached is exit 69", "[cluster][security]") {
  // A port nobody listens on: bind one, then close it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  auto port = std::to_string(ntohs(addr.sin_port));
  test::child_process health{{test::troupe_binary(), "node", "--health", "127.0.0.1:" + port,
                              "--token", token}};
  CHECK(health.reap(20s) == 69);
  CHECK(contains(health.err(), "127.0.0.1:" + port));
  test::node_process joiner{{"--join", "127.0.0.1:" + port, "--token", token}};
  CHECK(joiner.process().reap(20s) == 69);
  CHECK(contains(joiner.err(), "cannot join 127.0.0.1:" + port));
}

TEST_CASE("no exposed actor processes a message from a peer that did not join",
          "[cluster][security]") {
  test::node_process node{{"--token", token, "--workers", "2"}};
  REQUIRE(node.wait_listening());
  test::client c;
  auto& sys = c.system();
  auto j = c.join(node.port(), token);
  REQUIRE(j);
  auto log = std::make_shared<test::reply_log>();
  auto supervisor = test::spawn_test_supervisor(sys, log);
  auto lanes = open_lanes(sys, j->node, open_request{7, {"size"}, 10'000, supervisor}, 5s);
  REQUIRE(lanes);
  REQUIRE(lanes->groups.size() == 1);
  REQUIRE(lanes->groups[0].lanes.size() == 2);
  auto lane_id = lanes->groups[0].lanes[0].id();
  auto shard_id = j->info.l3.id();
  REQUIRE(shard_id != 0);
  auto before = c.health(*j);
  REQUIRE(before);

  cache::cache_key key{cache::digest{1, 2}};
  auto value = troupe::detail::shared_bytes{std::make_shared<const std::string>("poison")};
  test::raw_basp raw{sys, node.port()};
  auto node_id = raw.read_server_handshake();
  CHECK(node_id == j->node.id());
  // Without a BASP client handshake (anonymous), then as a made-up node.
  raw.send(node_id, 0, 1, caf::make_message(health_atom::value));
  auto claimed = caf::make_node_id(4242, "0123456789abcdef0123456789abcdef01234567");
  REQUIRE(claimed);
  raw.client_handshake(*claimed);
  raw.send(node_id, 7, 2, caf::make_message(health_atom::value));
  raw.send(node_id, 7, 3,
           caf::make_message(open_atom::value, open_request{8, {"size"}, 1000, supervisor}));
  raw.send(lane_id, 7, 0, caf::make_message(troupe::detail::run_atom::value, test::one_task(1, {"size"})));
  raw.send(shard_id, 7, 0, caf::make_message(cache::detail::put_atom::value, key, value));
  raw.send(shard_id, 7, 4, caf::make_message(cache::detail::get_atom::value, key));
  // No answer comes back: heartbeats, and CAF's own greeting to a node it
  // just learned of (a request to its "SpawnServ"), but no response.
  auto frames = raw.read_for(1500ms);
  for (const auto& f : frames) {
    INFO("frame of type " << static_cast<int>(f.header.operation) << ", message id "
                          << f.header.operation_data);
    CHECK_FALSE((f.header.operation == caf::io::basp::message_type::direct_message
                 && caf::message_id{f.header.operation_data}.is_response()));
  }
  // A peer that sends no heartbeats is cut off after the connection timeout.
  raw.read_for(3s);
  CHECK(raw.closed());
  auto after = c.health(*j);
  REQUIRE(after);
  CHECK(after->rejected == before->rejected + 6);
  CHECK(after->tasks_done == before->tasks_done);
  CHECK(after->runs_active == 1);
  CHECK(after->l3.entries == 0);
  CHECK(log->size() == 0);

  // The same messages from the peer that joined are processed: the checks
  // above are not vacuous.
  caf::scoped_actor self{sys};
  self->send(lanes->groups[0].lanes[0], troupe::detail::run_atom::value, test::one_task(1, {"size"}));
  REQUIRE(log->wait_for(1, 10s));
  self->send(j->info.l3, cache::detail::put_atom::value, key, value);
  troupe::detail::shared_bytes got;
  self->request(j->info.l3, 5s, cache::detail::get_atom::value, key)
    .receive([&](troupe::detail::shared_bytes& b) { got = b; },
             [&](caf::error& err) { FAIL(sys.render(err)); });
  CHECK(got.view() == "poison");
  auto last = c.health(*j);
  REQUIRE(last);
  CHECK(last->rejected == after->rejected);
  CHECK(last->tasks_done == after->tasks_done + 1);
  CHECK(last->l3.entries == 1);
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
}
