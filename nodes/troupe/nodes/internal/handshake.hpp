// File: the cryptography of the join handshake: nonces and proofs of the
// token. Internal.
//
// A proof is HMAC-SHA256 keyed with the token over a transcript of the
// handshake: who proves (the node or the joiner), the cluster id, the
// protocol version, both nonces and both CAF node ids, each with its length.
// Each side proves it knows the token without sending it; a proof is bound
// to this handshake's nonces (no replay) and to the two processes (a proof
// made for one joiner is worthless to another).
#pragma once

#include <cstdint>
#include <string>

namespace troupe::nodes::detail {

/// Who makes a proof: the two proofs of a handshake differ.
enum class proof_side : std::uint8_t { node, joiner };

/// Everything a proof covers besides the token.
struct handshake_transcript {
  std::string cluster;
  std::uint32_t version = 0;
  std::string joiner_nonce;
  std::string node_nonce;
  /// CAF node ids, as text.
  std::string joiner_id;
  std::string node_id;
};

/// Bytes of a nonce.
constexpr std::size_t nonce_size = 32;

/// `nonce_size` bytes from the operating system's random source (OpenSSL's
/// RAND_bytes); throws std::runtime_error if it fails.
std::string make_nonce();

/// HMAC-SHA256(key, data): 32 bytes.
std::string hmac_sha256(const std::string& key, const std::string& data);

/// HMAC-SHA256(token, transcript as seen by `side`): 32 bytes.
std::string make_proof(const std::string& token, proof_side side,
                       const handshake_transcript& transcript);

/// Compares two proofs in constant time.
bool same_proof(const std::string& a, const std::string& b) noexcept;

/// `n` random bytes as lowercase hex (a new token: 32 bytes, 64 digits).
std::string random_hex(std::size_t n);

} // namespace troupe::nodes::detail
