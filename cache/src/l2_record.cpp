#include "l2_record.hpp"

#include <cerrno>
#include <cstring>

#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

namespace troupe::cache::detail {

namespace {

// Layout (little endian):
//   0  magic "TRPCACHE"     8 bytes
//   8  format version       u32
//  12  header size          u32
//  16  key (high, low)      2 x u64
//  32  payload length       u64
//  40  XXH3-64 of bytes 0..40 followed by the payload
constexpr unsigned char magic[8] = {'T', 'R', 'P', 'C', 'A', 'C', 'H', 'E'};
constexpr std::size_t checksum_offset = 40;

void put_u32(unsigned char* out, std::uint32_t x) {
  for (int i = 0; i < 4; ++i)
    out[i] = static_cast<unsigned char>(x >> (8 * i));
}

void put_u64(unsigned char* out, std::uint64_t x) {
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<unsigned char>(x >> (8 * i));
}

std::uint32_t get_u32(const unsigned char* in) {
  std::uint32_t x = 0;
  for (int i = 3; i >= 0; --i)
    x = (x << 8) | in[i];
  return x;
}

std::uint64_t get_u64(const unsigned char* in) {
  std::uint64_t x = 0;
  for (int i = 7; i >= 0; --i)
    x = (x << 8) | in[i];
  return x;
}

std::uint64_t checksum(const unsigned char* header, std::string_view payload) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, header, checksum_offset);
  XXH3_64bits_update(&state, payload.data(), payload.size());
  return XXH3_64bits_digest(&state);
}

// Reads exactly `size` bytes at `offset`; false on error or end of file.
bool pread_exact(int fd, void* buf, std::size_t size, off_t offset) {
  auto* out = static_cast<char*>(buf);
  while (size > 0) {
    auto n = ::pread(fd, out, size, offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    out += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
  return true;
}

} // namespace

l2_header encode_l2_header(const cache_key& key, std::string_view payload) {
  l2_header h{};
  std::memcpy(h.data(), magic, sizeof(magic));
  put_u32(h.data() + 8, l2_format_version);
  put_u32(h.data() + 12, static_cast<std::uint32_t>(l2_header_size));
  put_u64(h.data() + 16, key.value().high);
  put_u64(h.data() + 24, key.value().low);
  put_u64(h.data() + 32, payload.size());
  put_u64(h.data() + checksum_offset, checksum(h.data(), payload));
  return h;
}

const char* read_l2_record(int fd, std::uint64_t size,
                           const cache_key& expected, std::string& payload) {
  if (size == 0)
    return "empty";
  if (size < l2_header_size)
    return "truncated";
  l2_header h;
  if (!pread_exact(fd, h.data(), h.size(), 0))
    return "truncated";
  if (std::memcmp(h.data(), magic, sizeof(magic)) != 0)
    return "bad magic";
  if (get_u32(h.data() + 8) != l2_format_version
      || get_u32(h.data() + 12) != l2_header_size)
    return "unsupported version";
  if (get_u64(h.data() + 16) != expected.value().high
      || get_u64(h.data() + 24) != expected.value().low)
    return "wrong key";
  // The file size bounds the allocation, whatever the header claims.
  auto length = get_u64(h.data() + 32);
  if (length > size - l2_header_size)
    return "truncated";
  if (length < size - l2_header_size)
    return "trailing bytes";
  payload.resize(static_cast<std::size_t>(length));
  if (length > 0
      && !pread_exact(fd, payload.data(), payload.size(), l2_header_size))
    return "truncated";
  if (checksum(h.data(), payload) != get_u64(h.data() + checksum_offset))
    return "checksum mismatch";
  return nullptr;
}

} // namespace troupe::cache::detail
