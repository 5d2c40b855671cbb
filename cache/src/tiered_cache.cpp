#include "troupe/cache/tiered_cache.hpp"

#include <spdlog/spdlog.h>

#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/l3_tier.hpp"

namespace troupe::cache {

namespace {

// What one tier said during one lookup, recorded under the lock afterwards.
struct tier_probe {
  bool asked = false;
  bool hit = false;
  std::chrono::steady_clock::duration elapsed{};
};

std::chrono::nanoseconds to_ns(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d);
}

} // namespace

tiered_cache::tiered_cache(std::shared_ptr<l1_store> l1,
                           std::shared_ptr<l2_store> l2,
                           std::shared_ptr<l3_tier> l3)
  : l1_(std::move(l1)), l2_(std::move(l2)), l3_(std::move(l3)) {
}

cache_lookup tiered_cache::get(const key_parts& parts,
                               std::string_view input_name) {
  return get(parts, parts.key(), input_name);
}

cache_lookup tiered_cache::get(const key_parts& parts, const cache_key& key,
                               std::string_view input_name) {
  cache_lookup out;
  out.key = key;
  std::array<tier_probe, cache_tier_count> probes;
  auto start = clock::now();
  auto last = start;
  // Asks one tier and times it against the end of the previous one, so a
  // lookup reads the clock once per tier plus once.
  auto ask = [&](cache_tier tier, auto&& lookup) {
    auto& probe = probes[static_cast<std::size_t>(tier)];
    probe.asked = true;
    out.value = lookup();
    auto now = clock::now();
    probe.elapsed = now - last;
    last = now;
    probe.hit = out.value != nullptr;
    if (probe.hit)
      out.tier = tier;
    return probe.hit;
  };
  bool hit = (l1_ && ask(cache_tier::l1, [&] { return l1_->get(key); }))
             || (l2_ && ask(cache_tier::l2, [&] { return l2_->get(key); }))
             || (l3_ && ask(cache_tier::l3, [&] { return l3_->get(key); }));
  auto elapsed = last - start;
  if (hit && out.tier != cache_tier::l1)
    backfill(out.tier, key, out.value);
  auto why = history_.remember(parts.agent_id, input_name, parts, key, !hit);
  std::lock_guard<std::mutex> guard{mtx_};
  auto size = hit ? out.value->size() : 0;
  for (std::size_t i = 0; i < cache_tier_count; ++i) {
    auto& probe = probes[i];
    if (!probe.asked)
      continue;
    auto& tier = stats_.tiers[i];
    if (probe.hit) {
      ++tier.hits;
      tier.bytes_read += size;
      tier.hit_latency.record(to_ns(probe.elapsed));
    } else {
      ++tier.misses;
      tier.miss_latency.record(to_ns(probe.elapsed));
    }
  }
  auto i = stats_.agents.find(parts.agent_id);
  if (i == stats_.agents.end())
    i = stats_.agents.emplace(parts.agent_id, agent_stats{}).first;
  auto& agent = i->second;
  if (hit) {
    ++agent.hits[static_cast<std::size_t>(out.tier)];
    agent.bytes_read += size;
    agent.hit_latency.record(to_ns(elapsed));
  } else {
    ++agent.misses;
    agent.miss_latency.record(to_ns(elapsed));
    if (why && !why->empty()) {
      ++agent.misses_changed;
      for (auto& part : *why)
        ++agent.changed_parts[part];
    }
    out.why_missed = std::move(why);
  }
  return out;
}

cache_error tiered_cache::put(const cache_key& key, std::string_view agent,
                              const value_ptr& value) {
  if (value == nullptr)
    return {};
  auto size = value->size();
  if (l1_)
    note_written(cache_tier::l1, size, l1_->put(key, value));
  cache_error result;
  if (l2_) {
    if (l2_writable()) {
      auto err = l2_->put(key, *value);
      note_written(cache_tier::l2, size, !err);
      bool was_writable = true;
      if (err && l2_writable_.compare_exchange_strong(was_writable, false))
        result = std::move(err);
    } else {
      std::lock_guard<std::mutex> guard{mtx_};
      ++stats_.l2_puts_skipped;
    }
  }
  if (l3_) {
    auto err = l3_->put(key, value);
    if (err)
      spdlog::debug("cache: {} put failed: {}", l3_->name(), err.message());
    note_written(cache_tier::l3, size, !err);
  }
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = stats_.agents.find(agent);
  if (i == stats_.agents.end())
    i = stats_.agents.emplace(std::string{agent}, agent_stats{}).first;
  i->second.bytes_written += size;
  return result;
}

tiered_stats tiered_cache::stats() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return stats_;
}

void tiered_cache::note_written(cache_tier tier, std::size_t bytes, bool ok) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& x = stats_.tiers[static_cast<std::size_t>(tier)];
  if (ok)
    x.bytes_written += bytes;
  else
    ++x.write_errors;
}

void tiered_cache::backfill(cache_tier found_in, const cache_key& key,
                            const value_ptr& value) {
  auto size = value->size();
  if (found_in == cache_tier::l3 && l2_ && l2_writable()) {
    auto err = l2_->put(key, *value);
    note_written(cache_tier::l2, size, !err);
    bool was_writable = true;
    if (err && l2_writable_.compare_exchange_strong(was_writable, false))
      spdlog::warn("cache: no longer writing to L2: {}", err.message());
  }
  if (l1_)
    note_written(cache_tier::l1, size, l1_->put(key, value));
}

} // namespace troupe::cache
