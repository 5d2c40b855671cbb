// The sender guard of a node's exposed actors: what it admits and counts.
#include <catch2/catch.hpp>

#include <caf/all.hpp>
#include <caf/forwarding_actor_proxy.hpp>

#include "troupe/nodes/internal/peer_registry.hpp"

using namespace troupe::nodes::detail;

namespace {

/// A proxy of actor `aid` on another node, as CAF makes one for a remote
/// sender.
caf::strong_actor_ptr remote_sender(caf::actor_system& sys, const caf::node_id& node,
                                    caf::actor_id aid, const caf::actor& broker) {
  caf::actor_config cfg;
  return caf::make_actor<caf::forwarding_actor_proxy, caf::strong_actor_ptr>(aid, node, &sys,
                                                                            cfg, broker);
}

} // namespace

TEST_CASE("the peer registry admits this process and authenticated peers only",
          "[nodes][guard]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  // Stands in for CAF's BASP broker, which proxies tell when they are
  // monitored.
  auto broker = sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
    self->set_default_handler(caf::drop);
    return {[](caf::ok_atom) {}};
  });
  auto local = caf::actor_cast<caf::strong_actor_ptr>(broker);
  auto peer_node = caf::make_node_id(4242, "0123456789abcdef0123456789abcdef01234567");
  REQUIRE(peer_node);
  auto other_node = caf::make_node_id(4343, "0123456789abcdef0123456789abcdef01234567");
  REQUIRE(other_node);
  auto from_peer = remote_sender(sys, *peer_node, 17, broker);
  auto from_other = remote_sender(sys, *other_node, 17, broker);

  peer_registry reg{sys.node()};
  // Anonymous: dropped (a remote sender without an actor looks the same).
  CHECK_FALSE(reg.admit(nullptr));
  // This process: admitted, not counted as remote.
  CHECK(reg.admit(local));
  CHECK(reg.is_local(local));
  CHECK_FALSE(reg.is_local(from_peer));
  // Not authenticated yet.
  CHECK_FALSE(reg.admit(from_peer));
  CHECK(reg.rejected() == 2);
  CHECK(reg.admitted() == 0);

  reg.add(*peer_node, peer_info{"n2", caf::to_string(*peer_node), 1, "127.0.0.1:1"});
  CHECK(reg.contains(*peer_node));
  CHECK(reg.admit(from_peer));
  CHECK_FALSE(reg.admit(from_other)); // same host, other process
  CHECK(reg.admitted() == 1);
  CHECK(reg.rejected() == 3);
  auto peers = reg.peers();
  REQUIRE(peers.size() == 1);
  CHECK(peers[0].name == "n2");

  CHECK(reg.remove(*peer_node));
  CHECK_FALSE(reg.remove(*peer_node));
  CHECK_FALSE(reg.admit(from_peer));
  CHECK(reg.rejected() == 4);
  reg.count_rejected();
  CHECK(reg.rejected() == 5);
  caf::anon_send_exit(broker, caf::exit_reason::user_shutdown);
}
