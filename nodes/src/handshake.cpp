#include "troupe/nodes/internal/handshake.hpp"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace troupe::nodes::detail {

namespace {

void append_field(std::string& out, const std::string& field) {
  auto n = static_cast<std::uint32_t>(field.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  out += field;
}

} // namespace

std::string make_nonce() {
  std::string out(nonce_size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()))
      != 1)
    throw std::runtime_error("the random source failed (RAND_bytes)");
  return out;
}

std::string make_proof(const std::string& token, proof_side side,
                       const handshake_transcript& t) {
  std::string data;
  append_field(data, "troupe-join");
  append_field(data, side == proof_side::node ? "node" : "joiner");
  append_field(data, t.cluster);
  append_field(data, std::to_string(t.version));
  append_field(data, t.joiner_nonce);
  append_field(data, t.node_nonce);
  append_field(data, t.joiner_id);
  append_field(data, t.node_id);
  return hmac_sha256(token, data);
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(out), len);
}

bool same_proof(const std::string& a, const std::string& b) noexcept {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_hex(std::size_t n) {
  std::string raw(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("the random source failed (RAND_bytes)");
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned char c : raw) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

} // namespace troupe::nodes::detail
