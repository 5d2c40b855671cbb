#include "troupe/cache/tiered_cache.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <unordered_map>

#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/l3_tier.hpp"
#include "troupe/cache/record_bundle.hpp"

#include "allocation_counter.hpp"
#include "test_skip.hpp"
#include "test_support.hpp"

using namespace troupe::cache;
using namespace troupe::cache::test;

namespace {

key_parts parts_for(const std::string& content, const std::string& version = "1") {
  key_parts p;
  p.agent_id = "python.symbols";
  p.agent_version = version;
  p.settings = canonical_settings({{"depth", "8"}});
  p.input = content_digest(content);
  return p;
}


struct fixture {
  scratch_dir dir;
  std::shared_ptr<l1_store> l1 = std::make_shared<l1_store>();
  std::shared_ptr<l2_store> l2;
  fixture() {
    l2_options opts;
    opts.directory = dir / "cache";
    l2 = std::make_shared<l2_store>(opts);
    REQUIRE_FALSE(l2->open());
  }
};

} // namespace

TEST_CASE("tiered cache reads through and backfills L1 from L2") {
  fixture f;
  auto parts = parts_for("print(1)\n");
  {
    tiered_cache cache{f.l1, f.l2};
    auto miss = cache.get(parts, "a.py");
    CHECK_FALSE(miss);
    CHECK_FALSE(miss.why_missed); // first sight: nothing to compare
    CHECK(miss.key == parts.key());
    REQUIRE_FALSE(cache.put(miss.key, parts.agent_id, make_value("record")));
    auto hit = cache.get(parts, "a.py");
    REQUIRE(hit);
    CHECK(hit.tier == cache_tier::l1);
    CHECK(*hit.value == "record");
  }
  // A new process: empty L1, same L2 folder.
  auto l1 = std::make_shared<l1_store>();
  l2_options opts = f.l2->options();
  auto l2 = std::make_shared<l2_store>(opts);
  REQUIRE_FALSE(l2->open());
  tiered_cache cache{l1, l2};
  auto from_disk = cache.get(parts, "a.py");
  REQUIRE(from_disk);
  CHECK(from_disk.tier == cache_tier::l2);
  CHECK(*from_disk.value == "record");
  CHECK(l1->stats().entries == 1); // backfilled
  auto from_memory = cache.get(parts, "a.py");
  REQUIRE(from_memory);
  CHECK(from_memory.tier == cache_tier::l1);
  CHECK(from_memory.value.get() == from_disk.value.get());

  auto s = cache.stats();
  auto& t1 = s.tiers[0];
  auto& t2 = s.tiers[1];
  CHECK(t1.hits == 1);
  CHECK(t1.misses == 1);
  CHECK(t2.hits == 1);
  CHECK(t2.misses == 0);
  CHECK(t2.bytes_read == 6);
  CHECK(t1.bytes_written == 6); // the backfill
  CHECK(t1.hit_latency.count() == 1);
  CHECK(t2.hit_latency.count() == 1);
  CHECK(t2.hit_latency.quantile(0.5) > std::chrono::nanoseconds{0});
  auto& agent = s.agents.at("python.symbols");
  CHECK(agent.hits[0] == 1);
  CHECK(agent.hits[1] == 1);
  CHECK(agent.misses == 0);
  CHECK(agent.bytes_read == 12);
  CHECK(agent.hit_latency.count() == 2);
}

TEST_CASE("tiered cache never caches failures and says why it missed") {
  fixture f;
  tiered_cache cache{f.l1, f.l2};
  auto v1 = parts_for("x = 1\n");
  auto miss = cache.get(v1, "a.py");
  REQUIRE_FALSE(cache.put(miss.key, v1.agent_id, nullptr)); // a failed run
  CHECK_FALSE(cache.get(v1, "a.py"));
  CHECK(f.l1->stats().entries == 0);
  CHECK(f.l2->stats().entries == 0);
  REQUIRE_FALSE(cache.put(miss.key, v1.agent_id, make_value("r1")));
  REQUIRE(cache.get(v1, "a.py"));

  auto edited = parts_for("x = 2\n");
  auto m1 = cache.get(edited, "a.py");
  CHECK_FALSE(m1);
  REQUIRE(m1.why_missed);
  CHECK(*m1.why_missed == std::vector<std::string>{"input"});

  auto bumped = parts_for("x = 2\n", "2");
  auto m2 = cache.get(bumped, "a.py");
  REQUIRE(m2.why_missed);
  CHECK(*m2.why_missed == std::vector<std::string>{"agent_version"});

  // Another input name has its own history.
  CHECK_FALSE(cache.get(bumped, "b.py").why_missed);

  auto s = cache.stats().agents.at("python.symbols");
  CHECK(s.misses == 5);
  CHECK(s.misses_changed == 2);
  CHECK(s.changed_parts.at("input") == 1);
  CHECK(s.changed_parts.at("agent_version") == 1);
  CHECK(s.miss_latency.count() == 5);
}

TEST_CASE("tiered cache warns once on a failing L2 and continues with L1") {
  scratch_dir dir;
  l2_options opts;
  opts.directory = dir / "cache";
  opts.fault_hook = [](l2_write_step step) {
    return step == l2_write_step::write ? ENOSPC : 0;
  };
  auto l1 = std::make_shared<l1_store>();
  auto l2 = std::make_shared<l2_store>(opts);
  REQUIRE_FALSE(l2->open());
  tiered_cache cache{l1, l2};
  int errors = 0;
  for (int i = 0; i < 10; ++i) {
    auto parts = parts_for(std::to_string(i));
    auto miss = cache.get(parts, std::to_string(i));
    if (auto err = cache.put(miss.key, parts.agent_id, make_value("v"))) {
      ++errors;
      CHECK(err.sys_errno() == ENOSPC);
    }
    auto hit = cache.get(parts, std::to_string(i));
    REQUIRE(hit);
    CHECK(hit.tier == cache_tier::l1);
  }
  CHECK(errors == 1);
  CHECK_FALSE(cache.l2_writable());
  CHECK(l2->stats().write_errors == 1); // no further attempts
  auto s = cache.stats();
  CHECK(s.l2_puts_skipped == 9);
  CHECK(s.tiers[1].write_errors == 1);
}

TEST_CASE("tiered cache consults an L3 tier last and backfills L2 and L1") {
  fixture f;
  auto l3 = std::make_shared<fake_l3>();
  tiered_cache cache{f.l1, f.l2, l3};
  auto parts = parts_for("remote");
  l3->map[parts.key()] = make_value("from a peer");
  auto hit = cache.get(parts, "r.py");
  REQUIRE(hit);
  CHECK(hit.tier == cache_tier::l3);
  CHECK(f.l1->get(parts.key()));
  REQUIRE(f.l2->get(parts.key()));
  CHECK(*f.l2->get(parts.key()) == "from a peer");
  CHECK(cache.get(parts, "r.py").tier == cache_tier::l1);
  CHECK(l3->gets == 1);
  // Without any tier the facade is an always-missing cache.
  tiered_cache none{nullptr, nullptr};
  CHECK_FALSE(none.get(parts, "r.py"));
  REQUIRE_FALSE(none.put(parts.key(), parts.agent_id, make_value("x")));
}

TEST_CASE("an L1 hit allocates nothing") {
  if (!allocation_counter::available())
    TROUPE_SKIP("allocation counting is off in sanitizer builds");
  fixture f;
  tiered_cache cache{f.l1, f.l2};
  auto parts = parts_for("hot");
  auto key = parts.key();
  REQUIRE_FALSE(cache.put(key, parts.agent_id, make_value(std::string(1000, 'h'))));
  REQUIRE(cache.get(parts, "hot.py")); // first sight records history
  allocation_counter counter;
  auto direct = f.l1->get(key);
  auto via_facade = cache.get(parts, key, "hot.py");
  auto rehashed = cache.get(parts, "hot.py");
  auto allocations = counter.stop();
  REQUIRE(direct);
  REQUIRE(via_facade);
  REQUIRE(rehashed);
  CHECK(via_facade.tier == cache_tier::l1);
  CHECK(allocations == 0);
  // The counter itself works.
  allocation_counter sanity;
  auto probe = std::make_unique<int>(1);
  CHECK(sanity.stop() == 1);
}

TEST_CASE("a decoded form attached to a record comes back with its L1 hits only") {
  fixture f;
  auto parts = parts_for("def f(): pass\n");
  auto object = std::make_shared<const std::string>("decoded");
  {
    tiered_cache cache{f.l1, f.l2};
    auto miss = cache.get(parts, "a.py");
    auto value = make_value("record");
    REQUIRE_FALSE(cache.put(miss.key, parts.agent_id, value));
    miss.value = value; // what was stored
    REQUIRE(cache.attach(miss, object, 100));
    auto hit = cache.get(parts, "a.py");
    REQUIRE(hit);
    CHECK(hit.decoded.get() == object.get());
    auto group = cache.get_group(bundle_key("group1", parts.input), {parts}, "a.py");
    REQUIRE(group.members[0].value);
    CHECK(group.members[0].decoded.get() == object.get());
  }
  // A new process: the record comes from L2, with nothing decoded yet; the
  // decoded form attaches to the backfilled L1 entry.
  tiered_cache cache{std::make_shared<l1_store>(), f.l2};
  auto from_l2 = cache.get(parts, "a.py");
  REQUIRE(from_l2);
  CHECK(from_l2.tier == cache_tier::l2);
  CHECK(from_l2.decoded == nullptr);
  REQUIRE(cache.attach(from_l2, object, 100));
  CHECK(cache.get(parts, "a.py").decoded.get() == object.get());
  // No L1, nothing kept.
  tiered_cache l2_only{nullptr, f.l2};
  CHECK_FALSE(l2_only.attach(l2_only.get(parts, "a.py"), object, 100));
}

TEST_CASE("an L1 that keeps second reads only serves a record read once from disk") {
  fixture f;
  auto parts = parts_for("once");
  {
    tiered_cache writer{f.l1, f.l2};
    REQUIRE_FALSE(writer.put(parts.key(), parts.agent_id, make_value("record")));
  }
  l1_options opts;
  opts.admission = l1_admission::second_read;
  auto l1 = std::make_shared<l1_store>(opts);
  tiered_cache cache{l1, f.l2};
  CHECK(cache.get(parts, "a.py").tier == cache_tier::l2);
  CHECK(l1->stats().entries == 0); // read once: nothing kept
  CHECK(cache.get(parts, "a.py").tier == cache_tier::l2);
  CHECK(l1->stats().entries == 1); // read twice: kept
  CHECK(cache.get(parts, "a.py").tier == cache_tier::l1);
  CHECK(cache.stats().tiers[0].write_errors == 0); // not keeping is no error
}
