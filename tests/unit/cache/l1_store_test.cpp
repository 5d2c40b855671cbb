#include "troupe/cache/l1_store.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "troupe/cache/key_parts.hpp"

using namespace troupe::cache;
using namespace std::chrono_literals;

namespace {

cache_key key_of(int i) {
  return cache_key{content_digest("key " + std::to_string(i))};
}

value_ptr bytes(std::size_t n, char c = 'x') {
  return make_value(std::string(n, c));
}

// A manual clock for time-to-live tests.
struct fake_clock {
  std::chrono::steady_clock::time_point now{};
  l1_clock fn() {
    return [this] { return now; };
  }
};

} // namespace

TEST_CASE("l1 hit returns the very same buffer") {
  l1_store l1;
  auto v = bytes(100);
  REQUIRE(l1.put(key_of(1), v));
  auto hit = l1.get(key_of(1));
  CHECK(hit.get() == v.get()); // shared, not copied
  CHECK(l1.get(key_of(2)) == nullptr);
  auto s = l1.stats();
  CHECK(s.hits == 1);
  CHECK(s.misses == 1);
  CHECK(s.entries == 1);
  CHECK(s.bytes == 100);
  CHECK_FALSE(l1.put(key_of(3), nullptr));
}

TEST_CASE("l1 is bounded by entries, least recently used out first") {
  l1_options opts;
  opts.max_entries = 3;
  l1_store l1{opts};
  for (int i = 0; i < 3; ++i)
    l1.put(key_of(i), bytes(10));
  REQUIRE(l1.get(key_of(0))); // 0 is now most recently used
  l1.put(key_of(3), bytes(10));  // evicts 1
  CHECK(l1.get(key_of(1)) == nullptr);
  CHECK(l1.get(key_of(0)));
  CHECK(l1.get(key_of(2)));
  CHECK(l1.get(key_of(3)));
  auto s = l1.stats();
  CHECK(s.entries == 3);
  CHECK(s.evictions == 1);
}

TEST_CASE("l1 is bounded by bytes") {
  l1_options opts;
  opts.max_bytes = 1000;
  l1_store l1{opts};
  for (int i = 0; i < 10; ++i)
    l1.put(key_of(i), bytes(300));
  auto s = l1.stats();
  CHECK(s.bytes == 900);
  CHECK(s.entries == 3);
  CHECK(s.evictions == 7);
  for (int i = 7; i < 10; ++i)
    CHECK(l1.get(key_of(i)));
  // Replacing a value adjusts the byte count.
  l1.put(key_of(9), bytes(50));
  CHECK(l1.stats().bytes == 650);
  // A value larger than the whole bound is refused and evicts nothing.
  CHECK_FALSE(l1.put(key_of(100), bytes(1001)));
  CHECK(l1.stats().entries == 3);
  CHECK(l1.stats().rejected == 1);
  CHECK(l1.erase(key_of(9)));
  CHECK_FALSE(l1.erase(key_of(9)));
  CHECK(l1.stats().bytes == 600);
  l1.clear();
  CHECK(l1.stats().bytes == 0);
  CHECK(l1.stats().entries == 0);
}

TEST_CASE("l1 keeps a decoded form next to the value it was decoded from") {
  l1_options opts;
  opts.max_bytes = 1000;
  l1_store l1{opts};
  auto v = bytes(100);
  REQUIRE(l1.put(key_of(1), v));
  decoded_ptr decoded;
  REQUIRE(l1.get(key_of(1), &decoded));
  CHECK(decoded == nullptr); // nothing attached yet
  auto object = std::make_shared<const std::vector<int>>(3, 7);
  REQUIRE(l1.attach(key_of(1), v, object, 200));
  CHECK(l1.stats().bytes == 300); // the estimate counts against the bound
  auto hit = l1.get(key_of(1), &decoded);
  CHECK(hit.get() == v.get());
  CHECK(decoded.get() == object.get()); // shared, not rebuilt
  // Never attached to another value, nor to an absent key.
  CHECK_FALSE(l1.attach(key_of(1), bytes(100), object, 10));
  CHECK_FALSE(l1.attach(key_of(2), v, object, 10));
  // Nor beyond the whole bound.
  CHECK_FALSE(l1.attach(key_of(1), v, object, 901));
  // Replacing the value drops the old decoded form and its charge.
  REQUIRE(l1.put(key_of(1), bytes(50)));
  CHECK(l1.stats().bytes == 50);
  l1.get(key_of(1), &decoded);
  CHECK(decoded == nullptr);
  // Charged bytes evict like value bytes: another entry's attachment pushes
  // the least recently used entry out, and dropping it releases its charge.
  auto w = bytes(100);
  REQUIRE(l1.put(key_of(2), w));
  REQUIRE(l1.attach(key_of(2), w, object, 880)); // 50 + 980 > 1000
  CHECK(l1.get(key_of(1)) == nullptr);
  CHECK(l1.stats().bytes == 980);
  CHECK(l1.erase(key_of(2)));
  CHECK(l1.stats().bytes == 0);
}

TEST_CASE("l1 admits on every use, or from the second read or use of a key on") {
  l1_store always;
  CHECK(always.backfill(key_of(1), bytes(10)));
  CHECK(always.get(key_of(1)));
  l1_options opts;
  opts.admission = l1_admission::second_read;
  l1_store once{opts};
  CHECK_FALSE(once.backfill(key_of(1), bytes(10))); // read once: not kept
  CHECK(once.get(key_of(1)) == nullptr);
  CHECK(once.stats().bytes == 0);
  CHECK(once.backfill(key_of(1), bytes(10))); // read again: kept
  CHECK(once.get(key_of(1)));
  CHECK_FALSE(once.backfill(key_of(2), bytes(10)));
  // A put (a record computed in this process) is always kept.
  CHECK(once.put(key_of(3), bytes(10)));
  CHECK(once.get(key_of(3)));
  // second_use: puts too from their second use on, a read counting as one.
  opts.admission = l1_admission::second_use;
  l1_store one_shot{opts};
  CHECK_FALSE(one_shot.put(key_of(1), bytes(10)));
  CHECK(one_shot.get(key_of(1)) == nullptr);
  CHECK(one_shot.backfill(key_of(1), bytes(10))); // used again: kept
  CHECK(one_shot.get(key_of(1)));
  CHECK_FALSE(one_shot.put(key_of(2), bytes(10)));
  CHECK(one_shot.put(key_of(2), bytes(10)));
}

TEST_CASE("l1 entries expire after their time to live") {
  fake_clock clock;
  l1_options opts;
  opts.ttl = 10s;
  opts.clock = clock.fn();
  l1_store l1{opts};
  l1.put(key_of(1), bytes(10));
  clock.now += 5s;
  l1.put(key_of(2), bytes(10));
  CHECK(l1.get(key_of(1)));
  clock.now += 5s; // key 1 is 10 s old: expired; key 2 is 5 s old
  CHECK(l1.get(key_of(1)) == nullptr);
  CHECK(l1.get(key_of(2)));
  auto s = l1.stats();
  CHECK(s.expirations == 1);
  CHECK(s.misses == 1);
  CHECK(s.entries == 1);
  clock.now += 5s;
  l1.purge_expired();
  CHECK(l1.stats().entries == 0);
  CHECK(l1.stats().expirations == 2);
  // Putting again restarts the clock.
  l1.put(key_of(1), bytes(10));
  clock.now += 9s;
  CHECK(l1.get(key_of(1)));
}

TEST_CASE("l1 counts expired entries dropped for room as expirations") {
  fake_clock clock;
  l1_options opts;
  opts.ttl = 1s;
  opts.max_entries = 1;
  opts.clock = clock.fn();
  l1_store l1{opts};
  l1.put(key_of(1), bytes(1));
  clock.now += 2s;
  l1.put(key_of(2), bytes(1));
  CHECK(l1.stats().expirations == 1);
  CHECK(l1.stats().evictions == 0);
}

TEST_CASE("l1 is safe under concurrent use") {
  l1_options opts;
  opts.max_entries = 64;
  l1_store l1{opts};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) {
        auto k = key_of((i * 7 + t) % 100);
        if (i % 3 == 0)
          l1.put(k, bytes(static_cast<std::size_t>(i % 50)));
        else if (auto v = l1.get(k))
          REQUIRE(v->size() < 50);
      }
    });
  for (auto& th : threads)
    th.join();
  auto s = l1.stats();
  CHECK(s.entries <= 64);
  CHECK(s.hits + s.misses == 4 * (20000 - 6667));
}
