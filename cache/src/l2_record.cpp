#include "l2_record.hpp"

#include <cerrno>
#include <cstring>

#include <sys/uio.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "byte_io.hpp"

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
                           const cache_key& expected, char* payload) {
  if (size == 0)
    return "empty";
  if (size < l2_header_size)
    return "truncated";
  // One system call for header and payload: the file size (which bounds
  // the caller's allocation, whatever the header claims) gives the payload
  // length, checked against the header's below.
  l2_header h;
  auto payload_size = static_cast<std::size_t>(size - l2_header_size);
  struct iovec parts[2] = {{h.data(), h.size()}, {payload, payload_size}};
  ssize_t n;
  do
    n = ::preadv(fd, parts, 2, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return "truncated";
  auto got = static_cast<std::uint64_t>(n);
  if (got < l2_header_size
      && !pread_exact(fd, h.data() + got, l2_header_size - got, static_cast<off_t>(got)))
    return "truncated";
  if (got < size) {
    auto done = got > l2_header_size ? got - l2_header_size : 0;
    if (!pread_exact(fd, payload + done, payload_size - done,
                     static_cast<off_t>(l2_header_size + done)))
      return "truncated";
  }
  if (std::memcmp(h.data(), magic, sizeof(magic)) != 0)
    return "bad magic";
  if (get_u32(h.data() + 8) != l2_format_version
      || get_u32(h.data() + 12) != l2_header_size)
    return "unsupported version";
  if (get_u64(h.data() + 16) != expected.value().high
      || get_u64(h.data() + 24) != expected.value().low)
    return "wrong key";
  auto length = get_u64(h.data() + 32);
  if (length > size - l2_header_size)
    return "truncated";
  if (length < size - l2_header_size)
    return "trailing bytes";
  if (checksum(h.data(), std::string_view{payload, payload_size})
      != get_u64(h.data() + checksum_offset))
    return "checksum mismatch";
  return nullptr;
}

} // namespace troupe::cache::detail
