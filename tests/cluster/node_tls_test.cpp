// A node with mutual TLS: a joiner with a certificate of the cluster's CA is
// served; a plain TCP client, a plain CAF client, an anonymous-TLS client
// and clients with a certificate of another CA are refused during the TLS
// handshake, and no actor receives anything of theirs.
#include <catch2/catch.hpp>

#include <memory>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "node_process.hpp"
#include "raw_basp.hpp"
#include "test_pki.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

const std::string token = "tls-test-token";

int connect_loopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

/// A TLS client of its own (not CAF's): whether it could exchange
/// application data with the node. With TLS 1.3 the client may finish its
/// handshake before the server has checked the client's certificate, so
/// the test is a write and a read: a refused client gets an alert or EOF.
bool tls_client_talks(std::uint16_t port, const char* ciphers, int max_version,
                      const std::string& cert, const std::string& key) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free};
  REQUIRE(ctx);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (max_version)
    SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  if (ciphers)
    REQUIRE(SSL_CTX_set_cipher_list(ctx.get(), ciphers) == 1);
  if (!cert.empty()) {
    REQUIRE(SSL_CTX_use_certificate_chain_file(ctx.get(), cert.c_str()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) == 1);
  }
  int fd = connect_loopback(port);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl{SSL_new(ctx.get()), SSL_free};
  SSL_set_fd(ssl.get(), fd);
  bool talks = false;
  if (SSL_connect(ssl.get()) == 1) {
    // A BASP heartbeat: 32 bytes, type 6, the rest zero.
    char frame[32] = {6};
    char buf[64];
    talks = SSL_write(ssl.get(), frame, sizeof frame) == sizeof frame
            && SSL_read(ssl.get(), buf, sizeof buf) > 0;
  }
  ERR_clear_error();
  ::close(fd);
  return talks;
}

} // namespace

TEST_CASE("with mutual TLS only clients of the cluster's CA get through", "[cluster][tls]") {
  test::test_pki pki;
  test::node_process node{{"--token", token, "--tls-ca", pki.ca, "--tls-cert", pki.node_cert,
                           "--tls-key", pki.node_key}};
  REQUIRE(node.wait_listening());
  // The log line follows the "listening on" line on stdout.
  CHECK(test::eventually([&] { return node.err().find("mutual TLS") != std::string::npos; },
                         std::chrono::seconds(5)));
  INFO(node.err());

  // A client of the cluster's CA: joins, and is the only one ever admitted.
  test::client good{{pki.ca, pki.client_cert, pki.client_key}};
  auto j = good.join(node.port(), token);
  REQUIRE(j);
  auto before = good.health(*j);
  REQUIRE(before);
  CHECK(before->joins_accepted == 1);

  SECTION("a plain TCP client that speaks BASP") {
    test::raw_basp raw{good.system(), node.port()};
    // The node waits for a TLS ClientHello: no BASP handshake comes.
    auto frames = raw.read_for(500ms);
    CHECK(frames.empty());
    auto claimed = caf::make_node_id(4242, "0123456789abcdef0123456789abcdef01234567");
    REQUIRE(claimed);
    try {
      raw.client_handshake(*claimed);
      raw.send(j->node.id(), 7, 1, caf::make_message(nodes::detail::health_atom::value));
    } catch (const std::exception&) {
      // Closed already: just as refused.
    }
    raw.read_for(3s);
    CHECK(raw.closed());
  }
  SECTION("a plain CAF client") {
    test::client plain;
    auto refused = plain.join(node.port(), token);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::peer_unreachable);
  }
  SECTION("an anonymous TLS client") {
    CHECK_FALSE(tls_client_talks(node.port(), "aNULL:@SECLEVEL=0", TLS1_2_VERSION, "", ""));
  }
  SECTION("a TLS client without a certificate") {
    CHECK_FALSE(tls_client_talks(node.port(), nullptr, 0, "", ""));
  }
  SECTION("a TLS client with a certificate of another CA") {
    CHECK_FALSE(tls_client_talks(node.port(), nullptr, 0, pki.rogue_cert, pki.rogue_key));
    CHECK_FALSE(tls_client_talks(node.port(), nullptr, TLS1_2_VERSION, pki.rogue_cert,
                                 pki.rogue_key));
  }
  SECTION("a CAF client with a certificate of another CA") {
    test::client rogue{{pki.rogue_ca, pki.rogue_cert, pki.rogue_key}};
    auto refused = rogue.join(node.port(), token);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::peer_unreachable);
  }
  // The node is still serving; nothing of the refused clients reached an
  // actor: no message rejected (none got that far), no join, no admission
  // but the good client's own requests.
  auto after = good.health(*j);
  INFO((after ? std::string{} : after.error().message()));
  INFO(node.err());
  REQUIRE(after);
  CHECK(after->rejected == before->rejected);
  CHECK(after->joins_refused == before->joins_refused);
  CHECK(after->joins_accepted == before->joins_accepted);
  CHECK(after->admitted == before->admitted + 1); // this health request
  // The control: a well-configured TLS client of our own talks.
  CHECK(tls_client_talks(node.port(), nullptr, 0, pki.client_cert, pki.client_key));
}
