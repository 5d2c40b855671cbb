// Every message type of the node protocol survives CAF's binary serializer
// (what crosses nodes): directly and inside a caf::message, as registered
// with an actor system by add_node_message_types.
#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include "troupe/base/internal/caf_error.hpp"
#include "troupe/cache/internal/messages.hpp"
#include "troupe/nodes/internal/messages.hpp"
#include "troupe/runtime/internal/messages.hpp"

using namespace troupe;
using namespace troupe::nodes::detail;

namespace {

struct protocol_config : caf::actor_system_config {
  protocol_config() {
    troupe::detail::add_runtime_message_types(*this);
    cache::detail::add_cache_message_types(*this);
    add_node_message_types(*this);
  }
};

template <class T>
T round_trip(caf::actor_system& sys, T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(sink(x));
  T y;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(y));
  return y;
}

template <class T>
T message_round_trip(caf::actor_system& sys, T x) {
  auto msg = caf::make_message(std::move(x));
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(sink(msg));
  caf::message back;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(back));
  REQUIRE(back.match_elements<T>());
  return back.get_as<T>(0);
}

/// Both ways of crossing a node.
template <class T, class Check>
void both(caf::actor_system& sys, const T& x, Check check) {
  check(round_trip(sys, x));
  check(message_round_trip(sys, x));
}

} // namespace

TEST_CASE("node protocol messages survive serialisation", "[nodes][protocol]") {
  protocol_config cfg;
  caf::actor_system sys{cfg};
  auto anchor = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](caf::ok_atom) {}};
  });
  auto shard = sys.spawn([](cache::detail::tier_actor::pointer)
                           -> cache::detail::tier_actor::behavior_type {
    return {
      [](cache::detail::get_atom, const cache::cache_key&) { return troupe::detail::shared_bytes{}; },
      [](cache::detail::put_atom, const cache::cache_key&, const troupe::detail::shared_bytes&) {},
      [](cache::detail::commit_atom) { return std::uint64_t{0}; },
      [](cache::detail::stats_atom) { return cache::detail::tier_counters{}; },
    };
  });
  auto lane = sys.spawn([](troupe::detail::agent_actor::pointer)
                          -> troupe::detail::agent_actor::behavior_type {
    return {[](troupe::detail::run_atom, const troupe::detail::task_batch&) {}};
  });
  auto supervisor = sys.spawn([](troupe::detail::supervisor_actor::pointer)
                                -> troupe::detail::supervisor_actor::behavior_type {
    return {
      [](troupe::detail::done_atom, const troupe::detail::reply_batch&) {},
      [](troupe::detail::cancel_atom) {},
      [](troupe::detail::watchdog_atom) {},
    };
  });

  hello h{protocol_version, "blue", "run@a", 2, "127.0.0.1:7420", std::string(32, '\x07'),
          anchor};
  both(sys, h, [&](const hello& y) {
    CHECK(y.version == h.version);
    CHECK(y.cluster == "blue");
    CHECK(y.name == "run@a");
    CHECK(y.role == 2);
    CHECK(y.address == h.address);
    CHECK(y.nonce == h.nonce);
    CHECK(y.anchor == anchor);
  });

  challenge c{0x1234567890abcdefull, protocol_version, "blue", "n1", std::string(32, 'x'),
              std::string(32, '\0')};
  both(sys, c, [&](const challenge& y) {
    CHECK(y.session == c.session);
    CHECK(y.version == c.version);
    CHECK(y.cluster == c.cluster);
    CHECK(y.name == c.name);
    CHECK(y.nonce == c.nonce);
    CHECK(y.proof == c.proof);
  });

  auth a{42, std::string(32, '\xff'), "token mismatch"};
  both(sys, a, [&](const auth& y) {
    CHECK(y.session == 42);
    CHECK(y.proof == a.proof);
    CHECK(y.refusal == a.refusal);
  });

  member_info m{"n2", "127.0.0.1:7421", "ABCDEF#12", 4};
  welcome w{"n1", "127.0.0.1:7420", "ABCDEF#11", 2, {"size", "symbols"}, shard, {m, m}};
  both(sys, w, [&](const welcome& y) {
    CHECK(y.name == "n1");
    CHECK(y.address == w.address);
    CHECK(y.node == w.node);
    CHECK(y.workers == 2);
    CHECK(y.agents == w.agents);
    CHECK(y.l3 == shard);
    REQUIRE(y.members.size() == 2);
    CHECK(y.members[1].name == "n2");
    CHECK(y.members[1].address == m.address);
    CHECK(y.members[1].node == m.node);
    CHECK(y.members[1].workers == 4);
  });

  node_health nh;
  nh.name = "n1";
  nh.address = "127.0.0.1:7420";
  nh.node = "ABCDEF#11";
  nh.cluster = "blue";
  nh.uptime_seconds = 12.5;
  nh.workers = 3;
  nh.runs_active = 1;
  nh.tasks_done = 99;
  nh.peers = {{"run@a", "ABCDEF#13", 2, ""}};
  nh.admitted = 7;
  nh.rejected = 5;
  nh.joins_refused = 2;
  nh.joins_accepted = 3;
  nh.l3.hits = 11;
  nh.l3.entries = 6;
  both(sys, nh, [&](const node_health& y) {
    CHECK(y.name == nh.name);
    CHECK(y.address == nh.address);
    CHECK(y.node == nh.node);
    CHECK(y.cluster == nh.cluster);
    CHECK(y.uptime_seconds == 12.5);
    CHECK(y.workers == 3);
    CHECK(y.runs_active == 1);
    CHECK(y.tasks_done == 99);
    REQUIRE(y.peers.size() == 1);
    CHECK(y.peers[0].name == "run@a");
    CHECK(y.peers[0].role == 2);
    CHECK(y.admitted == 7);
    CHECK(y.rejected == 5);
    CHECK(y.joins_refused == 2);
    CHECK(y.joins_accepted == 3);
    CHECK(y.l3.hits == 11);
    CHECK(y.l3.entries == 6);
  });

  open_request req{9, {"size", "import_graph"}, 1500, supervisor};
  both(sys, req, [&](const open_request& y) {
    CHECK(y.run == 9);
    CHECK(y.agents == req.agents);
    CHECK(y.task_timeout_ms == 1500);
    CHECK(y.supervisor == supervisor);
  });

  opened_lanes ol{9, "n1", {{{"size", "symbols"}, true, {lane, lane}}, {{"report"}, false, {lane}}}};
  both(sys, ol, [&](const opened_lanes& y) {
    CHECK(y.run == 9);
    CHECK(y.node == "n1");
    REQUIRE(y.groups.size() == 2);
    CHECK(y.groups[0].agents == ol.groups[0].agents);
    CHECK(y.groups[0].per_slot);
    CHECK(y.groups[0].lanes.size() == 2);
    CHECK(y.groups[0].lanes[1] == lane);
    CHECK_FALSE(y.groups[1].per_slot);
  });

  joined_member jm{"127.0.0.1:7421", {}, w, "no answer"};
  both(sys, jm, [&](const joined_member& y) {
    CHECK(y.address == jm.address);
    CHECK_FALSE(y.handle);
    CHECK(y.info.name == "n1");
    CHECK(y.failure == "no answer");
  });

  bundle_query bq{{troupe::cache::cache_key{troupe::cache::content_digest("one")},
                   troupe::cache::cache_key{troupe::cache::content_digest("two")}}};
  both(sys, bq, [&](const bundle_query& y) { CHECK(y.bundles == bq.bundles); });
  cached_bundles cb{{1, 0, 1}};
  both(sys, cb, [&](const cached_bundles& y) { CHECK(y.held == cb.held); });

  for (auto* a : {&anchor})
    caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(lane, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
}

TEST_CASE("a refusal travels in troupe's error category", "[nodes][protocol]") {
  protocol_config cfg;
  caf::actor_system sys{cfg};
  auto err = troupe::detail::make_caf_error(errc::peer_refused, "cluster id mismatch: 'a' vs 'b'");
  auto back = round_trip(sys, err);
  auto e = troupe::detail::from_caf(back);
  CHECK(e.code() == errc::peer_refused);
  CHECK(e.message() == "cluster id mismatch: 'a' vs 'b'");
  CHECK(to_string(errc::peer_refused) == "peer_refused");
}
