// The join handshake's cryptography: HMAC-SHA256 itself (RFC 4231) and what
// a proof is bound to.
#include <catch2/catch.hpp>

#include <string>

#include "troupe/nodes/internal/handshake.hpp"
#include "troupe/nodes/internal/node_client.hpp"

using namespace troupe::nodes::detail;

namespace {

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

handshake_transcript sample() {
  return {"blue", 1, std::string(32, 'j'), std::string(32, 'n'), "AAAA#1", "BBBB#2"};
}

} // namespace

TEST_CASE("hmac_sha256 matches RFC 4231", "[nodes][handshake]") {
  // Test case 2 of RFC 4231.
  CHECK(hex(hmac_sha256("Jefe", "what do ya want for nothing?"))
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 1: a 20-byte key of 0x0b.
  CHECK(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There"))
        == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST_CASE("a proof is bound to the token, the side and every field of the handshake",
          "[nodes][handshake]") {
  auto t = sample();
  auto p = make_proof("secret", proof_side::node, t);
  CHECK(p.size() == 32);
  CHECK(same_proof(p, make_proof("secret", proof_side::node, t)));
  CHECK_FALSE(same_proof(p, make_proof("secreT", proof_side::node, t)));
  CHECK_FALSE(same_proof(p, make_proof("secret", proof_side::joiner, t)));
  auto changed = [&](auto edit) {
    auto u = sample();
    edit(u);
    return !same_proof(p, make_proof("secret", proof_side::node, u));
  };
  CHECK(changed([](auto& u) { u.cluster = "red"; }));
  CHECK(changed([](auto& u) { u.version = 2; }));
  CHECK(changed([](auto& u) { u.joiner_nonce[0] = 'k'; }));
  CHECK(changed([](auto& u) { u.node_nonce[31] = 'o'; }));
  CHECK(changed([](auto& u) { u.joiner_id = "AAAA#3"; }));
  CHECK(changed([](auto& u) { u.node_id = "BBBB#3"; }));
  // Fields are length-prefixed: moving a byte between two fields changes it.
  CHECK(changed([](auto& u) {
    u.joiner_id = "AAAA#1B";
    u.node_id = "BBB#2";
  }));
}

TEST_CASE("same_proof refuses empty and truncated proofs", "[nodes][handshake]") {
  auto p = make_proof("secret", proof_side::joiner, sample());
  CHECK_FALSE(same_proof("", ""));
  CHECK_FALSE(same_proof(p, p.substr(0, 31)));
  CHECK_FALSE(same_proof(p, ""));
}

TEST_CASE("nonces and tokens are random", "[nodes][handshake]") {
  auto a = make_nonce();
  auto b = make_nonce();
  CHECK(a.size() == nonce_size);
  CHECK(a != b);
  auto t = random_hex(32);
  CHECK(t.size() == 64);
  CHECK(t.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(t != random_hex(32));
}

TEST_CASE("the joiner checks the node's challenge too", "[nodes][handshake]") {
  using namespace troupe::nodes::detail;
  join_options opts;
  opts.credentials = {"blue", "secret"};
  auto t = sample();
  challenge c;
  c.version = protocol_version;
  c.cluster = "blue";
  t.version = protocol_version;
  c.proof = make_proof("secret", proof_side::node, t);
  CHECK(check_challenge(c, opts, t).empty());

  auto other_version = c;
  other_version.version = protocol_version + 1;
  CHECK(check_challenge(other_version, opts, t).find("protocol version mismatch") == 0);

  auto other_cluster = c;
  other_cluster.cluster = "red";
  auto why = check_challenge(other_cluster, opts, t);
  CHECK(why.find("cluster id mismatch") == 0);
  CHECK(why.find("'red'") != std::string::npos);

  auto other_token = c;
  other_token.proof = make_proof("other", proof_side::node, t);
  CHECK(check_challenge(other_token, opts, t).find("token mismatch") == 0);

  // A joiner's proof replayed as the node's is refused.
  auto reflected = c;
  reflected.proof = make_proof("secret", proof_side::joiner, t);
  CHECK(check_challenge(reflected, opts, t).find("token mismatch") == 0);
}
