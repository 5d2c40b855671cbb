// enable_network refuses what CAF could not use, naming the file and the
// problem, before any actor system starts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <caf/actor_system_config.hpp>

#include "../../cluster/test_pki.hpp"
#include "troupe/nodes/network_options.hpp"
#include "troupe/runtime/caf_interop.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

std::string refusal(const nodes::network_options& net) {
  runtime_options ro;
  auto err = nodes::enable_network(ro, net);
  if (!err)
    return {};
  CHECK(err.code() == errc::invalid_config);
  CHECK_FALSE(ro.network.enabled);
  CHECK(ro.setup.empty());
  return err.message();
}

} // namespace

TEST_CASE("heartbeat settings are checked", "[nodes][network]") {
  nodes::network_options net;
  CHECK(refusal(net).empty());
  net.heartbeat_interval = 0ms;
  CHECK(refusal(net).find("heartbeat interval") != std::string::npos);
  net.heartbeat_interval = 500ms;
  net.connection_timeout = 1s;
  CHECK(refusal(net).find("at least four heartbeat intervals") != std::string::npos);
}

TEST_CASE("a runtime with the network on has heartbeats and the node protocol",
          "[nodes][network]") {
  runtime_options ro;
  ro.workers = 1;
  nodes::network_options net;
  REQUIRE_FALSE(nodes::enable_network(ro, net));
  REQUIRE(ro.network.enabled);
  REQUIRE(ro.setup.size() == 1);
  runtime rt{ro};
  auto& sys = runtime_access::system(rt);
  CHECK(sys.has_middleman());
  CHECK_FALSE(sys.has_openssl_manager());
  CHECK(caf::get_or(sys.config(), "middleman.heartbeat-interval", caf::timespan{0})
        == caf::timespan{250ms});
  CHECK(caf::get_or(sys.config(), "middleman.connection-timeout", caf::timespan{0})
        == caf::timespan{1250ms});
}

TEST_CASE("TLS files are checked before CAF sees them", "[nodes][network][tls]") {
  test::test_pki pki;
  nodes::network_options net;
  net.tls = {pki.ca, pki.node_cert, pki.node_key};
  CHECK(refusal(net).empty());

  SECTION("all three files or none") {
    net.tls.key.clear();
    auto why = refusal(net);
    CHECK(why.find("missing: --tls-key") != std::string::npos);
  }
  SECTION("a missing file is named") {
    net.tls.ca = (pki.dir / "nope.pem").string();
    auto why = refusal(net);
    CHECK(why.find("--tls-ca") != std::string::npos);
    CHECK(why.find("nope.pem") != std::string::npos);
    CHECK(why.find("No such file") != std::string::npos);
  }
  SECTION("a key that is not the certificate's") {
    net.tls.key = pki.client_key;
    auto why = refusal(net);
    CHECK(why.find("--tls-key") != std::string::npos);
    CHECK(why.find("is not the key of the certificate") != std::string::npos);
  }
  SECTION("a certificate of another CA") {
    net.tls.certificate = pki.rogue_cert;
    net.tls.key = pki.rogue_key;
    auto why = refusal(net);
    CHECK(why.find("is not signed by the CA in " + pki.ca) != std::string::npos);
  }
  SECTION("a file that is not PEM") {
    auto junk = (pki.dir / "junk.pem").string();
    std::ofstream{junk} << "not a certificate\n";
    net.tls.certificate = junk;
    auto why = refusal(net);
    CHECK(why.find("not a PEM certificate") != std::string::npos);
  }
  SECTION("an encrypted key (no pass phrase prompt)") {
    auto enc = (pki.dir / "enc.key").string();
    auto cmd = "openssl pkey -in " + pki.node_key + " -aes256 -passout pass:x -out " + enc;
    REQUIRE(std::system(cmd.c_str()) == 0);
    net.tls.key = enc;
    auto why = refusal(net);
    CHECK(why.find("encrypted") != std::string::npos);
  }
}
