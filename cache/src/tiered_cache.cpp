#include "troupe/cache/tiered_cache.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "cache_log.hpp"

#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/l3_tier.hpp"
#include "troupe/cache/record_bundle.hpp"

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
  : l1_(std::move(l1)), l2_(std::move(l2)), l3_(std::move(l3)), log_(detail::default_logger()) {
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
  bool hit = (l1_ && ask(cache_tier::l1, [&] { return l1_->get(key, &out.decoded); }))
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
  keep_in_l1(key, value, false);
  cache_error result;
  if (l2_) {
    if (l2_writable()) {
      auto err = write_l2(key, value);
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
      log_->debug("{} put failed: {}", l3_->name(), err.message());
    note_written(cache_tier::l3, size, !err);
  }
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = stats_.agents.find(agent);
  if (i == stats_.agents.end())
    i = stats_.agents.emplace(std::string{agent}, agent_stats{}).first;
  i->second.bytes_written += size;
  return result;
}

void tiered_cache::prefetch_l3(const std::vector<cache_key>& bundles) {
  if (!l3_)
    return;
  std::vector<cache_key> wanted;
  for (const auto& b : bundles)
    if (!l2_ || !l2_->holds(b))
      wanted.push_back(b);
  {
    std::lock_guard<std::mutex> guard{prefetch_mtx_};
    auto room = max_prefetched - std::min(max_prefetched, prefetched_.size());
    if (wanted.size() > room)
      wanted.resize(room); // the others' lookups ask one by one
  }
  if (wanted.size() < 2)
    return; // one request gains nothing over the lookup's own
  auto values = l3_->get_many(wanted);
  std::lock_guard<std::mutex> guard{prefetch_mtx_};
  for (std::size_t i = 0; i < wanted.size(); ++i)
    if (values[i])
      prefetched_[wanted[i]] = std::move(values[i]);
}

void tiered_cache::drop_prefetched(const std::vector<cache_key>& bundles) {
  std::lock_guard<std::mutex> guard{prefetch_mtx_};
  for (const auto& b : bundles)
    prefetched_.erase(b);
}

group_lookup tiered_cache::get_group(const cache_key& bundle,
                                     const std::vector<key_parts>& parts,
                                     std::string_view input_name) {
  using duration = clock::duration;
  constexpr auto l1_index = static_cast<std::size_t>(cache_tier::l1);
  constexpr auto l2_index = static_cast<std::size_t>(cache_tier::l2);
  constexpr auto l3_index = static_cast<std::size_t>(cache_tier::l3);
  // What each member saw, recorded under the lock at the end.
  struct member_probe {
    std::array<bool, cache_tier_count> asked{};
    std::array<duration, cache_tier_count> elapsed{};
  };
  group_lookup out;
  out.bundle = bundle;
  auto n = parts.size();
  out.members.resize(n);
  out.agents.reserve(n);
  std::vector<member_probe> probes(n);
  std::size_t missing = 0;
  auto last = clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    out.agents.push_back(parts[i].agent_id);
    auto& m = out.members[i];
    m.key = parts[i].key();
    if (l1_) {
      m.value = l1_->get(m.key, &m.decoded);
      auto now = clock::now();
      probes[i].asked[l1_index] = true;
      probes[i].elapsed[l1_index] = now - last;
      last = now;
      m.tier = cache_tier::l1;
    }
    missing += m.value == nullptr;
  }
  // One bundle read serves every record L1 lacked.
  bool l2_asked = false;
  bool l2_served = false;
  duration l2_elapsed{};
  std::uint64_t l2_bytes = 0;
  if (l2_ && missing > 0) {
    l2_asked = true;
    auto start = clock::now();
    // Read into a per-thread buffer: only the records are copied out.
    thread_local l2_read_buffer buffer;
    thread_local std::vector<bundle_entry_view> entries;
    entries.clear();
    if (l2_->read(bundle, buffer, check_bundle)) {
      (void) decode_bundle(buffer.view(), entries); // checked by the store
      // Entries of agents that are not members (another build's) must
      // survive a rewrite by put_group: keep a copy of the bundle then.
      for (const auto& e : entries) {
        if (std::find(out.agents.begin(), out.agents.end(), e.agent) == out.agents.end()) {
          out.stored = make_value(std::string{buffer.view()});
          break;
        }
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      auto& m = out.members[i];
      if (m.value)
        continue;
      probes[i].asked[l2_index] = true;
      for (const auto& e : entries) {
        if (e.key != m.key)
          continue;
        m.value = make_value(std::string{e.record});
        m.tier = cache_tier::l2;
        l2_bytes += e.record.size();
        l2_served = true;
        --missing;
        keep_in_l1(m.key, m.value, true);
        break;
      }
      out.l2_incomplete |= m.value == nullptr;
    }
    l2_elapsed = clock::now() - start;
    for (std::size_t i = 0; i < n; ++i)
      if (probes[i].asked[l2_index])
        probes[i].elapsed[l2_index] = l2_elapsed;
  }
  // Then L3, for the whole bundle too: one request to the shard that owns
  // it (another node's, a network round trip) instead of one per record.
  bool l3_asked = false;
  bool l3_served = false;
  duration l3_elapsed{};
  std::uint64_t l3_bytes = 0;
  if (l3_ && missing > 0) {
    l3_asked = true;
    auto start = clock::now();
    value_ptr payload;
    {
      std::lock_guard<std::mutex> guard{prefetch_mtx_};
      if (auto it = prefetched_.find(bundle); it != prefetched_.end()) {
        payload = std::move(it->second);
        prefetched_.erase(it);
      }
    }
    if (!payload)
      payload = l3_->get(bundle);
    std::vector<bundle_entry_view> entries;
    if (payload && check_bundle(*payload) == nullptr)
      (void) decode_bundle(*payload, entries);
    for (std::size_t i = 0; i < n; ++i) {
      auto& m = out.members[i];
      if (m.value)
        continue;
      probes[i].asked[l3_index] = true;
      for (const auto& e : entries) {
        if (e.key != m.key)
          continue;
        m.value = make_value(std::string{e.record});
        m.tier = cache_tier::l3;
        l3_bytes += e.record.size();
        l3_served = true;
        --missing;
        keep_in_l1(m.key, m.value, true);
        break;
      }
    }
    l3_elapsed = clock::now() - start;
    for (std::size_t i = 0; i < n; ++i)
      if (probes[i].asked[l3_index])
        probes[i].elapsed[l3_index] = l3_elapsed;
    // Backfill: L2 gets the bundle as the shard holds it.
    if (l3_served && l2_ && l2_writable() && !out.stored) {
      auto err = write_l2(bundle, payload);
      bool was_writable = true;
      if (err && l2_writable_.compare_exchange_strong(was_writable, false))
        log_->warn("no longer writing to L2: {}", err.message());
    }
  }
  std::vector<std::optional<std::vector<std::string>>> why(n);
  for (std::size_t i = 0; i < n; ++i)
    why[i] = history_.remember(parts[i].agent_id, input_name, parts[i], out.members[i].key,
                               out.members[i].value == nullptr);
  std::lock_guard<std::mutex> guard{mtx_};
  if (l2_asked) {
    // One latency sample per bundle read; hits and misses per record.
    auto& tier = stats_.tiers[l2_index];
    tier.bytes_read += l2_bytes;
    (l2_served ? tier.hit_latency : tier.miss_latency).record(to_ns(l2_elapsed));
  }
  if (l3_asked) {
    auto& tier = stats_.tiers[l3_index];
    tier.bytes_read += l3_bytes;
    (l3_served ? tier.hit_latency : tier.miss_latency).record(to_ns(l3_elapsed));
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto& m = out.members[i];
    auto& probe = probes[i];
    bool hit = m.value != nullptr;
    duration total{};
    for (std::size_t t = 0; t < cache_tier_count; ++t) {
      if (!probe.asked[t])
        continue;
      total += probe.elapsed[t];
      auto& tier = stats_.tiers[t];
      bool answered = hit && static_cast<std::size_t>(m.tier) == t;
      if (answered)
        ++tier.hits;
      else
        ++tier.misses;
      if (t == l2_index || t == l3_index)
        continue; // sampled once per bundle above
      if (answered) {
        tier.bytes_read += m.value->size();
        tier.hit_latency.record(to_ns(probe.elapsed[t]));
      } else {
        tier.miss_latency.record(to_ns(probe.elapsed[t]));
      }
    }
    auto a = stats_.agents.find(parts[i].agent_id);
    if (a == stats_.agents.end())
      a = stats_.agents.emplace(parts[i].agent_id, agent_stats{}).first;
    auto& agent = a->second;
    if (hit) {
      ++agent.hits[static_cast<std::size_t>(m.tier)];
      agent.bytes_read += m.value->size();
      agent.hit_latency.record(to_ns(total));
    } else {
      ++agent.misses;
      agent.miss_latency.record(to_ns(total));
      if (why[i] && !why[i]->empty()) {
        ++agent.misses_changed;
        for (auto& part : *why[i])
          ++agent.changed_parts[part];
      }
      m.why_missed = std::move(why[i]);
    }
  }
  return out;
}

cache_error tiered_cache::put_group(const group_lookup& found,
                                    const std::vector<value_ptr>& values) {
  auto n = std::min(values.size(), found.members.size());
  bool changed = found.l2_incomplete;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& value = values[i];
    const auto& m = found.members[i];
    if (value == nullptr || value == m.value)
      continue;
    changed = true;
    auto size = value->size();
    keep_in_l1(m.key, value, false);
    std::lock_guard<std::mutex> guard{mtx_};
    auto a = stats_.agents.find(found.agents[i]);
    if (a == stats_.agents.end())
      a = stats_.agents.emplace(found.agents[i], agent_stats{}).first;
    a->second.bytes_written += size;
  }
  if (!changed || (!l2_ && !l3_))
    return {};
  auto payload = make_value(bundle_payload(found, values));
  if (l3_) {
    auto err = l3_->put(found.bundle, payload);
    if (err)
      log_->debug("{} put failed: {}", l3_->name(), err.message());
    note_written(cache_tier::l3, payload->size(), !err);
  }
  if (!l2_)
    return {};
  if (!l2_writable()) {
    std::lock_guard<std::mutex> guard{mtx_};
    ++stats_.l2_puts_skipped;
    return {};
  }
  auto err = write_l2(found.bundle, std::move(payload));
  bool was_writable = true;
  if (err && l2_writable_.compare_exchange_strong(was_writable, false))
    return err;
  return {};
}

std::string tiered_cache::bundle_payload(const group_lookup& found,
                                         const std::vector<value_ptr>& values) {
  std::vector<bundle_entry> entries;
  auto n = std::min(values.size(), found.members.size());
  entries.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (values[i])
      entries.push_back({found.members[i].key, found.agents[i], *values[i]});
  // Keep what other builds (with other agents) stored in this bundle; an
  // older entry of a member agent is superseded.
  if (found.stored) {
    std::vector<bundle_entry_view> stored;
    if (decode_bundle(*found.stored, stored) == nullptr)
      for (const auto& e : stored)
        if (std::find(found.agents.begin(), found.agents.end(), e.agent) == found.agents.end())
          entries.push_back({e.key, e.agent, e.record});
  }
  return encode_bundle(entries);
}

cache_error tiered_cache::write_l2(const cache_key& key, value_ptr payload) {
  if (l2_writer_) {
    l2_writer_(key, std::move(payload));
    return {};
  }
  auto err = l2_->put(key, *payload);
  note_written(cache_tier::l2, payload->size(), !err);
  return err;
}

void tiered_cache::set_logger(std::shared_ptr<spdlog::logger> log) {
  if (log)
    log_ = std::move(log);
}

void tiered_cache::set_l2_writer(l2_writer writer) {
  l2_writer_ = std::move(writer);
}

void tiered_cache::note_l2_write(std::size_t bytes, const cache_error& err) {
  note_written(cache_tier::l2, bytes, !err);
  bool was_writable = true;
  if (err && l2_writable_.compare_exchange_strong(was_writable, false)) {
    std::lock_guard<std::mutex> guard{mtx_};
    l2_error_ = err;
  }
}

cache_error tiered_cache::take_l2_error() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (l2_error_taken_ || !l2_error_)
    return {};
  l2_error_taken_ = true;
  return l2_error_;
}

tiered_stats tiered_cache::stats() const {
  // Under group commit a record's write can fail after its put returned
  // (the rename or the sync at commit): the store counts those too, and
  // every failed put (write_error), so its count is the tier's.
  std::uint64_t store_errors = l2_ ? l2_->stats().write_errors : 0;
  std::lock_guard<std::mutex> guard{mtx_};
  auto out = stats_;
  auto& l2 = out.tiers[static_cast<std::size_t>(cache_tier::l2)];
  l2.write_errors = std::max(l2.write_errors, store_errors);
  return out;
}

void tiered_cache::note_written(cache_tier tier, std::size_t bytes, bool ok) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& x = stats_.tiers[static_cast<std::size_t>(tier)];
  if (ok)
    x.bytes_written += bytes;
  else
    ++x.write_errors;
}

bool tiered_cache::attach(const cache_lookup& found, decoded_ptr decoded, std::uint64_t bytes) {
  return l1_ && l1_->attach(found.key, found.value, std::move(decoded), bytes);
}

void tiered_cache::backfill(cache_tier found_in, const cache_key& key,
                            const value_ptr& value) {
  if (found_in == cache_tier::l3 && l2_ && l2_writable()) {
    auto err = write_l2(key, value);
    bool was_writable = true;
    if (err && l2_writable_.compare_exchange_strong(was_writable, false))
      log_->warn("no longer writing to L2: {}", err.message());
  }
  keep_in_l1(key, value, true);
}

void tiered_cache::keep_in_l1(const cache_key& key, const value_ptr& value, bool read) {
  // A value L1 does not keep (its admission policy, or too large: counted
  // in l1_stats) is no write error.
  if (l1_ && (read ? l1_->backfill(key, value) : l1_->put(key, value)))
    note_written(cache_tier::l1, value->size(), true);
}

} // namespace troupe::cache
