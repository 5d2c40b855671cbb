// Fuzzing the L2 record and bundle decoders. The first byte picks what the
// rest is: 0, an L2 record file (read from a memory file, the key it must
// hold taken from its own header so that the fuzzer gets past the key
// check); 1, a bundle payload; 2, a bundle payload inside an intact record
// (checksum computed here, so the fuzzer reaches the bundle table through
// the store's own read path). Reading must never crash or read out of
// bounds; what it accepts must be self-consistent.
#include <cstring>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_input.hpp"
#include "l2_record.hpp"
#include "troupe/cache/record_bundle.hpp"

namespace {

using namespace troupe::cache;
using troupe::fuzz::expect;

/// A memory file holding `bytes`; -1 when none can be made.
int memory_file(std::string_view bytes) {
  int fd = ::memfd_create("l2-record", MFD_CLOEXEC);
  if (fd < 0)
    return -1;
  std::size_t done = 0;
  while (done < bytes.size()) {
    auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
  return fd;
}

/// Reads `file` as the store does; the payload when intact.
const char* read_record(std::string_view file, const cache_key& key, std::string& payload) {
  int fd = memory_file(file);
  if (fd < 0)
    return "no memory file";
  payload.assign(file.size() >= detail::l2_header_size ? file.size() - detail::l2_header_size : 0,
                 '\0');
  auto* bad = detail::read_l2_record(fd, file.size(), key, payload.empty() ? nullptr : payload.data());
  ::close(fd);
  return bad;
}

void check_bundle_agrees(std::string_view payload) {
  std::vector<bundle_entry_view> entries;
  auto* decoded = decode_bundle(payload, entries);
  auto* checked = check_bundle(payload);
  expect((decoded == nullptr) == (checked == nullptr), "decode_bundle and check_bundle agree");
  if (decoded != nullptr)
    return;
  // A well-formed bundle encodes back to itself.
  std::vector<bundle_entry> again;
  for (const auto& e : entries) {
    expect(e.record.data() >= payload.data()
             && e.record.data() + e.record.size() <= payload.data() + payload.size(),
           "records lie inside the payload");
    again.push_back({e.key, e.agent, e.record});
  }
  expect(encode_bundle(again) == payload, "a decoded bundle encodes to the same bytes");
}

cache_key key_in_header(std::string_view file) {
  if (file.size() < 32)
    return cache_key{};
  std::uint64_t high = 0, low = 0;
  for (int i = 7; i >= 0; --i) {
    high = high << 8 | static_cast<unsigned char>(file[16 + static_cast<std::size_t>(i)]);
    low = low << 8 | static_cast<unsigned char>(file[24 + static_cast<std::size_t>(i)]);
  }
  return cache_key{digest{high, low}};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = troupe::fuzz::bytes(data, size);
  if (input.empty())
    return 0;
  auto mode = static_cast<unsigned char>(input[0]) % 3;
  input.remove_prefix(1);
  std::string payload;
  switch (mode) {
    case 0:
      if (read_record(input, key_in_header(input), payload) == nullptr && is_bundle(payload))
        check_bundle_agrees(payload);
      break;
    case 1:
      check_bundle_agrees(input);
      break;
    case 2: {
      auto key = cache_key{content_digest(input)};
      auto header = detail::encode_l2_header(key, input);
      std::string file{reinterpret_cast<const char*>(header.data()), header.size()};
      file.append(input);
      expect(read_record(file, key, payload) == nullptr, "an encoded record reads back");
      expect(payload == input, "the payload reads back unchanged");
      check_bundle_agrees(payload);
      break;
    }
  }
  return 0;
}
