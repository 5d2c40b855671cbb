#include "troupe/cache/record_bundle.hpp"

#include <cstring>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "byte_io.hpp"

namespace troupe::cache {

using namespace detail;

namespace {

constexpr char magic[8] = {'T', 'R', 'P', 'B', 'U', 'N', 'D', 'L'};
constexpr std::size_t fixed_size = 16;
constexpr std::size_t table_entry_size = 24;
// Far above any agent list; bounds what a damaged count can make us reserve.
constexpr std::uint32_t max_entries = 4096;

// Domain of bundle keys, distinct from key_parts' "troupe.cache.key/1", so
// a bundle key never equals a record key.
constexpr std::string_view key_domain = "troupe.cache.bundle/1";

} // namespace

cache_key bundle_key(std::string_view group, const digest& input) noexcept {
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  unsigned char buf[8];
  auto add = [&](std::string_view bytes) {
    put_u64(buf, bytes.size());
    XXH3_128bits_update(&state, buf, sizeof(buf));
    XXH3_128bits_update(&state, bytes.data(), bytes.size());
  };
  add(key_domain);
  add(group);
  put_u64(buf, input.high);
  XXH3_128bits_update(&state, buf, sizeof(buf));
  put_u64(buf, input.low);
  XXH3_128bits_update(&state, buf, sizeof(buf));
  auto h = XXH3_128bits_digest(&state);
  return cache_key{digest{h.high64, h.low64}};
}

std::string encode_bundle(const std::vector<bundle_entry>& entries) {
  std::size_t size = fixed_size + table_entry_size * entries.size();
  for (const auto& e : entries)
    size += e.agent.size() + e.record.size();
  std::string out(size, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  std::memcpy(p, magic, sizeof(magic));
  put_u32(p + 8, bundle_format_version);
  put_u32(p + 12, static_cast<std::uint32_t>(entries.size()));
  auto* table = p + fixed_size;
  auto* body = table + table_entry_size * entries.size();
  for (const auto& e : entries) {
    put_u64(table, e.key.value().high);
    put_u64(table + 8, e.key.value().low);
    put_u32(table + 16, static_cast<std::uint32_t>(e.agent.size()));
    put_u32(table + 20, static_cast<std::uint32_t>(e.record.size()));
    table += table_entry_size;
    std::memcpy(body, e.agent.data(), e.agent.size());
    body += e.agent.size();
    if (!e.record.empty())
      std::memcpy(body, e.record.data(), e.record.size());
    body += e.record.size();
  }
  return out;
}

bool is_bundle(std::string_view payload) noexcept {
  return payload.size() >= sizeof(magic) && std::memcmp(payload.data(), magic, sizeof(magic)) == 0;
}

const char* decode_bundle(std::string_view payload, std::vector<bundle_entry_view>& out) {
  out.clear();
  if (!is_bundle(payload))
    return "not a bundle";
  if (payload.size() < fixed_size)
    return "truncated bundle";
  const auto* p = reinterpret_cast<const unsigned char*>(payload.data());
  if (get_u32(p + 8) != bundle_format_version)
    return "unsupported bundle version";
  auto n = get_u32(p + 12);
  if (n > max_entries)
    return "bad bundle table";
  std::uint64_t table_end = fixed_size + std::uint64_t{table_entry_size} * n;
  if (table_end > payload.size())
    return "truncated bundle";
  out.reserve(n);
  std::uint64_t at = table_end;
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto* t = p + fixed_size + table_entry_size * i;
    auto agent_size = get_u32(t + 16);
    auto record_size = get_u32(t + 20);
    if (agent_size == 0)
      return "bad bundle table";
    if (at + agent_size + record_size > payload.size())
      return "truncated bundle";
    bundle_entry_view e;
    e.key = cache_key{digest{get_u64(t), get_u64(t + 8)}};
    e.agent = payload.substr(static_cast<std::size_t>(at), agent_size);
    at += agent_size;
    e.record = payload.substr(static_cast<std::size_t>(at), record_size);
    at += record_size;
    out.push_back(e);
  }
  if (at != payload.size())
    return "trailing bytes in bundle";
  return nullptr;
}

const char* check_bundle(std::string_view payload) {
  thread_local std::vector<bundle_entry_view> scratch;
  return decode_bundle(payload, scratch);
}

} // namespace troupe::cache
