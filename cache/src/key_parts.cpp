#include "troupe/cache/key_parts.hpp"

#include <algorithm>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

namespace troupe::cache {

namespace {

// Bumped whenever the encoding below changes, so old keys can never collide
// with new ones.
constexpr std::string_view key_domain = "troupe.cache.key/1";

bool upstream_less(const upstream_digest& x, const upstream_digest& y) {
  return x.name != y.name ? x.name < y.name : x.value < y.value;
}

// Streams length-prefixed fields into XXH3, so that ("ab", "c") and
// ("a", "bc") never hash alike.
class key_hasher {
public:
  key_hasher() noexcept {
    XXH3_128bits_reset(&state_);
    add(key_domain);
  }

  void add(std::string_view bytes) noexcept {
    add_u64(bytes.size());
    XXH3_128bits_update(&state_, bytes.data(), bytes.size());
  }

  void add(const digest& x) noexcept {
    add_u64(x.high);
    add_u64(x.low);
  }

  void add_u64(std::uint64_t x) noexcept {
    unsigned char buf[8];
    for (int i = 0; i < 8; ++i)
      buf[i] = static_cast<unsigned char>(x >> (8 * i));
    XXH3_128bits_update(&state_, buf, sizeof(buf));
  }

  cache_key finish() noexcept {
    auto h = XXH3_128bits_digest(&state_);
    return cache_key{digest{h.high64, h.low64}};
  }

private:
  XXH3_state_t state_;
};

void add_upstream(key_hasher& h, const std::vector<upstream_digest>& xs) {
  h.add_u64(xs.size());
  for (auto& x : xs) {
    h.add(x.name);
    h.add(x.value);
  }
}

} // namespace

cache_key key_parts::key() const {
  key_hasher h;
  h.add(agent_id);
  h.add(agent_version);
  h.add(grammar_version);
  h.add(settings);
  h.add(input);
  // Callers usually pass upstream records in a stable order; only sort (and
  // allocate) when they did not.
  if (std::is_sorted(upstream.begin(), upstream.end(), upstream_less)) {
    add_upstream(h, upstream);
  } else {
    auto sorted = upstream;
    std::sort(sorted.begin(), sorted.end(), upstream_less);
    add_upstream(h, sorted);
  }
  return h.finish();
}

bool operator==(const key_parts& x, const key_parts& y) noexcept {
  return x.key() == y.key();
}

std::vector<std::string> diff_key_parts(const key_parts& old_parts,
                                        const key_parts& new_parts) {
  std::vector<std::string> out;
  if (old_parts.agent_id != new_parts.agent_id)
    out.emplace_back("agent_id");
  if (old_parts.agent_version != new_parts.agent_version)
    out.emplace_back("agent_version");
  if (old_parts.grammar_version != new_parts.grammar_version)
    out.emplace_back("grammar_version");
  if (old_parts.settings != new_parts.settings)
    out.emplace_back("settings");
  if (old_parts.input != new_parts.input)
    out.emplace_back("input");
  // Upstream records are matched by name; a name present on one side only
  // counts as changed.
  std::map<std::string, std::pair<const digest*, const digest*>> by_name;
  for (auto& x : old_parts.upstream)
    by_name[x.name].first = &x.value;
  for (auto& x : new_parts.upstream)
    by_name[x.name].second = &x.value;
  for (auto& [name, pair] : by_name) {
    auto [before, after] = pair;
    if (before == nullptr || after == nullptr || *before != *after)
      out.emplace_back("upstream:" + name);
  }
  return out;
}

namespace {

// Escapes the separators so that no key or value can forge another entry.
void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '=': out += "\\="; break;
      default: out += c;
    }
  }
}

} // namespace

std::string
canonical_settings(const std::map<std::string, std::string>& settings) {
  std::string out;
  for (auto& [key, value] : settings) {
    append_escaped(out, key);
    out += '=';
    append_escaped(out, value);
    out += '\n';
  }
  return out;
}

} // namespace troupe::cache
