#include "troupe/cache/l1_store.hpp"

#include <algorithm>

namespace troupe::cache {

l1_store::l1_store(l1_options options) : options_(std::move(options)) {
  // Cap the initial bucket count: max_entries may be a loose upper bound.
  index_.reserve(static_cast<size_t>(std::min<std::uint64_t>(
    options_.max_entries, 1024)));
}

value_ptr l1_store::get(const cache_key& key, decoded_ptr* decoded) {
  auto t = now();
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = index_.find(key);
  if (i == index_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  auto pos = i->second;
  if (expired(*pos, t)) {
    ++stats_.expirations;
    ++stats_.misses;
    drop(pos);
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, pos);
  if (decoded)
    *decoded = pos->decoded;
  return pos->value;
}

bool l1_store::attach(const cache_key& key, const value_ptr& value, decoded_ptr decoded,
                      std::uint64_t bytes) {
  if (!value || !decoded)
    return false;
  auto t = now();
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = index_.find(key);
  if (i == index_.end() || i->second->value != value)
    return false;
  auto pos = i->second;
  auto charged = value->size() + bytes;
  if (charged > options_.max_bytes)
    return false;
  stats_.bytes = stats_.bytes - pos->charged + charged;
  pos->charged = charged;
  pos->decoded = std::move(decoded);
  lru_.splice(lru_.begin(), lru_, pos);
  shrink_to_bounds(t);
  return true;
}

bool l1_store::put(const cache_key& key, value_ptr value) {
  if (value == nullptr)
    return false;
  if (options_.admission == l1_admission::second_use && first_use(key))
    return false;
  return store(key, std::move(value));
}

bool l1_store::store(const cache_key& key, value_ptr value) {
  auto size = static_cast<std::uint64_t>(value->size());
  auto t = now();
  std::lock_guard<std::mutex> guard{mtx_};
  if (size > options_.max_bytes || options_.max_entries == 0) {
    ++stats_.rejected;
    return false;
  }
  auto expires = options_.ttl.count() > 0 ? t + options_.ttl
                                          : time_point::max();
  if (auto i = index_.find(key); i != index_.end()) {
    auto pos = i->second;
    stats_.bytes -= pos->charged;
    pos->value = std::move(value);
    pos->expires = expires;
    pos->decoded = nullptr;
    pos->charged = size;
    lru_.splice(lru_.begin(), lru_, pos);
  } else {
    lru_.push_front(entry{key, std::move(value), expires, nullptr, size});
    index_.emplace(key, lru_.begin());
    ++stats_.entries;
  }
  stats_.bytes += size;
  shrink_to_bounds(t);
  return true;
}

bool l1_store::backfill(const cache_key& key, value_ptr value) {
  if (value == nullptr)
    return false;
  if (options_.admission != l1_admission::always && first_use(key))
    return false;
  return store(key, std::move(value));
}

bool l1_store::first_use(const cache_key& key) {
  std::lock_guard<std::mutex> guard{mtx_};
  // The memory of keys used once is bounded like the entries.
  if (used_once_.size() >= options_.max_entries)
    used_once_.clear();
  if (used_once_.insert(key).second)
    return true;
  used_once_.erase(key);
  return false;
}

bool l1_store::erase(const cache_key& key) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = index_.find(key);
  if (i == index_.end())
    return false;
  drop(i->second);
  return true;
}

void l1_store::purge_expired() {
  auto t = now();
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto pos = lru_.begin(); pos != lru_.end();) {
    auto next = std::next(pos);
    if (expired(*pos, t)) {
      ++stats_.expirations;
      drop(pos);
    }
    pos = next;
  }
}

void l1_store::clear() {
  std::lock_guard<std::mutex> guard{mtx_};
  index_.clear();
  lru_.clear();
  used_once_.clear();
  stats_.bytes = 0;
  stats_.entries = 0;
}

l1_stats l1_store::stats() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return stats_;
}

l1_store::time_point l1_store::now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

bool l1_store::expired(const entry& x, time_point t) const noexcept {
  return t >= x.expires;
}

void l1_store::drop(lru_list::iterator pos) {
  stats_.bytes -= pos->charged;
  --stats_.entries;
  index_.erase(pos->key);
  lru_.erase(pos);
}

void l1_store::shrink_to_bounds(time_point t) {
  // The newest entry sits at the front and fits on its own, so this loop
  // never drops the value that was just put.
  while (stats_.bytes > options_.max_bytes
         || stats_.entries > options_.max_entries) {
    auto victim = std::prev(lru_.end());
    if (expired(*victim, t))
      ++stats_.expirations;
    else
      ++stats_.evictions;
    drop(victim);
  }
}

} // namespace troupe::cache
