// The L1 and L2 tiers as actors: get, put, commit and stats through the
// typed protocol, with several workers putting and getting at once.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "test_support.hpp"
#include "troupe/cache/internal/messages.hpp"
#include "troupe/cache/internal/l3_group.hpp"
#include "troupe/cache/internal/tier_actor_l3.hpp"
#include "troupe/cache/record_bundle.hpp"
#include "troupe/cache/key_parts.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"

using namespace troupe::cache;
using namespace troupe::cache::test;
using namespace troupe::cache::detail;
using namespace std::chrono_literals;

namespace {

struct tier_config : caf::actor_system_config {
  tier_config() {
    add_cache_message_types(*this);
  }
};

constexpr int workers = 4;
constexpr int per_worker = 50;

std::string value_for(int w, int i) {
  return make_payload("w" + std::to_string(w) + "-" + std::to_string(i), 1, 200 + i);
}

/// `workers` threads, each putting its own keys and reading them (and its
/// neighbour's) back through `tier`; returns the values each read found.
std::vector<std::string> hammer(caf::actor_system& sys, const tier_actor& tier) {
  std::vector<std::string> seen(workers * per_worker);
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      caf::scoped_actor self{sys};
      for (int i = 0; i < per_worker; ++i) {
        auto key = key_of(w * per_worker + i);
        self->send(tier, put_atom::value, key,
                   troupe::detail::shared_bytes{make_value(value_for(w, i))});
        // The neighbour's keys, possibly not put yet: a miss or the value.
        auto other = key_of(((w + 1) % workers) * per_worker + i);
        self->request(tier, 10s, get_atom::value, other)
          .receive([](const troupe::detail::shared_bytes&) {},
                   [](caf::error& err) { FAIL(caf::to_string(err)); });
      }
      // A tier applies one sender's messages in order: its own puts are in.
      for (int i = 0; i < per_worker; ++i) {
        self->request(tier, 10s, get_atom::value, key_of(w * per_worker + i))
          .receive([&](const troupe::detail::shared_bytes& b) {
                     seen[w * per_worker + i] = std::string{b.view()};
                   },
                   [](caf::error& err) { FAIL(caf::to_string(err)); });
      }
    });
  }
  for (auto& t : threads)
    t.join();
  return seen;
}

tier_counters stats_of(caf::actor_system& sys, const tier_actor& tier) {
  caf::scoped_actor self{sys};
  tier_counters out;
  self->request(tier, 10s, stats_atom::value)
    .receive([&](const tier_counters& c) { out = c; },
             [](caf::error& err) { FAIL(caf::to_string(err)); });
  return out;
}

} // namespace

TEST_CASE("the L1 actor serves puts and gets of several workers", "[cache][actors]") {
  tier_config cfg;
  caf::actor_system sys{cfg};
  auto store = std::make_shared<l1_store>(l1_options{});
  auto l1 = spawn_l1_actor(sys, store);
  auto seen = hammer(sys, l1);
  for (int w = 0; w < workers; ++w)
    for (int i = 0; i < per_worker; ++i)
      CHECK(seen[w * per_worker + i] == value_for(w, i));
  auto s = stats_of(sys, l1);
  CHECK(s.entries == workers * per_worker);
  CHECK(s.hits >= workers * per_worker);
  CHECK(s.hits + s.misses == 2 * workers * per_worker);
  // The direct path sees the same store.
  CHECK(*store->get(key_of(0)) == value_for(0, 0));
}

TEST_CASE("the L2 actor orders every worker's writes and commits them in one group",
          "[cache][actors]") {
  scratch_dir dir;
  l2_options opts;
  opts.directory = dir / "cache";
  opts.commit_batch = 4096; // group commit: nothing renamed until commit
  auto store = std::make_shared<l2_store>(opts);
  REQUIRE_FALSE(store->open());
  tier_config cfg;
  caf::actor_system sys{cfg};
  std::atomic<int> written{0};
  std::atomic<int> failed{0};
  auto l2 = spawn_l2_actor(sys, store, [&](std::size_t, const troupe::error& err) {
    ++(err ? failed : written);
  });
  auto seen = hammer(sys, l2);
  CHECK(written == workers * per_worker);
  CHECK(failed == 0);
  // Before the commit, queued records are not readable yet.
  std::size_t readable = 0;
  for (const auto& v : seen)
    readable += !v.empty();
  CHECK(readable == 0);
  caf::scoped_actor self{sys};
  std::uint64_t writes = 0;
  self->request(l2, 60s, commit_atom::value)
    .receive([&](std::uint64_t n) { writes = n; },
             [](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(writes == workers * per_worker);
  // Committed: every record is on disk, whole, for this and other readers.
  l2_store reader{opts};
  REQUIRE_FALSE(reader.open());
  for (int w = 0; w < workers; ++w)
    for (int i = 0; i < per_worker; ++i) {
      auto v = reader.get(key_of(w * per_worker + i));
      REQUIRE(v);
      CHECK(*v == value_for(w, i));
    }
  CHECK(reader.verify(false).bad.empty());
  auto s = stats_of(sys, l2);
  CHECK(s.writes == workers * per_worker);
  CHECK(s.write_errors == 0);
  CHECK(s.entries == workers * per_worker);
}

TEST_CASE("an L3 tier over a tier actor: hits, misses, and a vanished shard is a miss",
          "[cache][actors]") {
  tier_config cfg;
  caf::actor_system sys{cfg};
  auto shard_store = std::make_shared<l1_store>(l1_options{});
  auto shard = spawn_l1_actor(sys, shard_store);
  auto l1 = std::make_shared<l1_store>(l1_options{});
  auto l3 = std::make_shared<tier_actor_l3>(sys, shard, 500ms, "l3:test");
  tiered_cache cache{l1, nullptr, l3};
  key_parts parts;
  parts.agent_id = "size";
  parts.agent_version = "1";
  parts.input = content_digest("x = 1\n");
  shard_store->put(parts.key(), make_value("from l3"));
  auto found = cache.get(parts, "a.py");
  REQUIRE(found);
  CHECK(found.tier == cache_tier::l3);
  CHECK(*found.value == "from l3");
  CHECK(l1->get(parts.key())); // backfilled
  // A put reaches the shard.
  key_parts other = parts;
  other.agent_id = "imports";
  REQUIRE_FALSE(cache.put(other.key(), "imports", make_value("new")));
  caf::scoped_actor self{sys};
  self->request(shard, 5s, get_atom::value, other.key())
    .receive([](const troupe::detail::shared_bytes& b) { CHECK(b.view() == "new"); },
             [](caf::error& err) { FAIL(caf::to_string(err)); });
  // The shard vanishes: a miss within the timeout, no hang.
  self->send_exit(shard, caf::exit_reason::kill);
  key_parts third = parts;
  third.agent_id = "naming";
  auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(cache.get(third, "a.py"));
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
}

TEST_CASE("the L3 group: rendezvous owners, digests checked, members that leave or vanish",
          "[cache][actors][l3]") {
  tier_config cfg;
  caf::actor_system sys{cfg};
  std::vector<std::shared_ptr<l1_store>> stores;
  l3_group group{sys, 500ms};
  for (int i = 0; i < 3; ++i) {
    stores.push_back(std::make_shared<l1_store>(l1_options{}));
    group.join("node" + std::to_string(i), spawn_l1_actor(sys, stores.back()));
  }
  // Ownership spreads over the members and is stable.
  std::map<std::string, int> owned;
  for (int k = 0; k < 300; ++k)
    ++owned[group.owner(key_of(k))];
  CHECK(owned.size() == 3);
  for (const auto& [name, n] : owned)
    CHECK(n > 50);
  CHECK(group.owner(key_of(7)) == group.owner(key_of(7)));

  REQUIRE_FALSE(group.put(key_of(1), make_value("bundle one")));
  caf::scoped_actor self{sys};
  // The put is one-way: the value is there once the owner answers a get.
  value_ptr got;
  for (int tries = 0; tries < 50 && !got; ++tries)
    got = group.get(key_of(1));
  REQUIRE(got);
  CHECK(*got == "bundle one");
  // It sits in the owner's shard only, framed with its digest.
  auto owner = group.owner(key_of(1));
  int holders = 0;
  for (int i = 0; i < 3; ++i)
    if (auto v = stores[i]->get(key_of(1))) {
      ++holders;
      CHECK("node" + std::to_string(i) == owner);
      std::string body;
      CHECK(l3_group::unframe(*v, body));
      CHECK(body == "bundle one");
    }
  CHECK(holders == 1);

  // A damaged value is a miss, counted as corrupt.
  auto owner_index = owner.back() - '0';
  auto framed = l3_group::frame("bundle one");
  framed.back() ^= 1;
  stores[owner_index]->put(key_of(1), make_value(framed));
  CHECK_FALSE(group.get(key_of(1)));
  CHECK(group.counters().corrupt == 1);

  // The owner leaves: its keys go to another member (a miss there until put).
  group.leave(owner);
  CHECK(group.members().size() == 2);
  CHECK(group.owner(key_of(1)) != owner);
  CHECK_FALSE(group.get(key_of(1)));

  // A member whose shard vanished: a miss within the timeout, no hang.
  auto victim = group.owner(key_of(2));
  tier_actor dead = spawn_l1_actor(sys, std::make_shared<l1_store>(l1_options{}));
  self->send_exit(dead, caf::exit_reason::kill);
  group.join(victim, dead);
  auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(group.get(key_of(2)));
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(group.counters().unanswered >= 1);
}

TEST_CASE("the L3 group's get_many asks every shard at once and answers in order",
          "[cache][actors][l3]") {
  tier_config cfg;
  caf::actor_system sys{cfg};
  l3_group group{sys, 500ms};
  std::vector<std::shared_ptr<l1_store>> stores;
  for (int i = 0; i < 3; ++i) {
    stores.push_back(std::make_shared<l1_store>(l1_options{}));
    group.join("node" + std::to_string(i), spawn_l1_actor(sys, stores.back()));
  }
  std::vector<cache_key> keys;
  for (int k = 0; k < 40; ++k) {
    keys.push_back(key_of(k));
    if (k % 4 != 3) // every fourth key is never put
      REQUIRE_FALSE(group.put(key_of(k), make_value("value " + std::to_string(k))));
  }
  // The puts are one-way: all are in once the last one's owner answers.
  for (int tries = 0; tries < 50 && !group.get(key_of(38)); ++tries)
    std::this_thread::sleep_for(10ms);
  auto got = group.get_many(keys);
  REQUIRE(got.size() == keys.size());
  for (int k = 0; k < 40; ++k) {
    INFO("key " << k);
    if (k % 4 == 3) {
      CHECK_FALSE(got[k]);
    } else {
      REQUIRE(got[k]);
      CHECK(*got[k] == "value " + std::to_string(k));
    }
  }
  // A vanished shard: its keys are misses within the timeout, the others hits.
  auto victim = group.owner(key_of(0));
  tier_actor dead = spawn_l1_actor(sys, std::make_shared<l1_store>(l1_options{}));
  caf::scoped_actor self{sys};
  self->send_exit(dead, caf::exit_reason::kill);
  group.join(victim, dead);
  auto t0 = std::chrono::steady_clock::now();
  got = group.get_many(keys);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  int hits = 0;
  for (int k = 0; k < 40; ++k) {
    if (group.owner(key_of(k)) == victim)
      CHECK_FALSE(got[k]);
    hits += got[k] != nullptr;
  }
  CHECK(hits > 0);
}

TEST_CASE("the tiered cache reads and writes whole bundles through L3 and backfills L2",
          "[cache][actors][l3]") {
  scratch_dir dir;
  tier_config cfg;
  caf::actor_system sys{cfg};
  auto shard = std::make_shared<l1_store>(l1_options{});
  auto group = std::make_shared<l3_group>(sys, 2s);
  group->join("node0", spawn_l1_actor(sys, shard));
  l2_options opts;
  opts.directory = dir / "a";
  auto l2a = std::make_shared<l2_store>(opts);
  REQUIRE_FALSE(l2a->open());
  tiered_cache writer{std::make_shared<l1_store>(l1_options{}), l2a, group};
  std::vector<key_parts> parts(3);
  const char* agents[] = {"symbols", "size", "imports"};
  for (int i = 0; i < 3; ++i) {
    parts[i].agent_id = agents[i];
    parts[i].agent_version = "1";
    parts[i].input = content_digest("x = 1\n");
  }
  auto bundle = bundle_key("group1", content_digest("x = 1\n"));
  auto found = writer.get_group(bundle, parts, "a.py");
  REQUIRE_FALSE(found.complete());
  REQUIRE_FALSE(writer.put_group(found, {make_value("s"), make_value("z"), make_value("i")}));
  // Another node with an empty L2 finds the whole bundle in one L3 request.
  opts.directory = dir / "b";
  auto l2b = std::make_shared<l2_store>(opts);
  REQUIRE_FALSE(l2b->open());
  tiered_cache reader{std::make_shared<l1_store>(l1_options{}), l2b, group};
  // The writer's put is one-way: its bundle is there once the shard has it.
  group_lookup again;
  for (int tries = 0; tries < 50 && (again.members.empty() || !again.complete()); ++tries) {
    if (tries > 0)
      std::this_thread::sleep_for(10ms);
    again = reader.get_group(bundle, parts, "a.py");
  }
  REQUIRE(again.complete());
  for (const auto& m : again.members)
    CHECK(m.tier == cache_tier::l3);
  CHECK(*again.members[1].value == "z");
  auto s = reader.stats();
  CHECK(s.tiers[2].hits == 3);
  // Backfilled: L2 now answers it.
  REQUIRE_FALSE(l2b->commit());
  tiered_cache local{std::make_shared<l1_store>(l1_options{}), l2b, nullptr};
  auto third = local.get_group(bundle, parts, "a.py");
  REQUIRE(third.complete());
  CHECK(third.members[0].tier == cache_tier::l2);
}

TEST_CASE("the L3 group's flush returns once every shard holds the puts sent before it",
          "[cache][actors][l3]") {
  tier_config cfg;
  caf::actor_system sys{cfg};
  // A shard slow to store: each put takes 5 ms.
  auto stored = std::make_shared<std::atomic<int>>(0);
  auto slow = sys.spawn([stored](tier_actor::pointer) -> tier_actor::behavior_type {
    return {
      [](get_atom, const cache_key&) { return troupe::detail::shared_bytes{}; },
      [stored](put_atom, const cache_key&, const troupe::detail::shared_bytes&) {
        std::this_thread::sleep_for(5ms);
        ++*stored;
      },
      [](commit_atom) { return std::uint64_t{0}; },
      [](stats_atom) { return tier_counters{}; },
    };
  });
  l3_group group{sys, 500ms};
  group.join("slow", slow);
  for (int k = 0; k < 40; ++k)
    REQUIRE_FALSE(group.put(key_of(k), make_value("value " + std::to_string(k))));
  CHECK(*stored < 40); // one-way: the puts are still on their way
  CHECK_FALSE(group.flush(5s));
  CHECK(*stored == 40);

  // A member whose shard vanished cannot confirm: an error naming how many,
  // within the limit.
  tier_actor dead = spawn_l1_actor(sys, std::make_shared<l1_store>(l1_options{}));
  caf::anon_send_exit(dead, caf::exit_reason::kill);
  group.join("dead", dead);
  auto t0 = std::chrono::steady_clock::now();
  auto err = group.flush(1s);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  REQUIRE(err);
  CHECK(err.message().find("1 of 2 L3 shards") != std::string::npos);
  caf::anon_send_exit(slow, caf::exit_reason::user_shutdown);
}

TEST_CASE("an L3 tier's puts and gets carry a sender (a node's shard drops anonymous ones)",
          "[cache][actors]") {
  tier_config cfg;
  caf::actor_system sys{cfg};
  auto anonymous = std::make_shared<std::atomic<int>>(0);
  auto named = std::make_shared<std::atomic<int>>(0);
  auto count = [anonymous, named](const caf::strong_actor_ptr& sender) {
    ++*(sender ? named : anonymous);
  };
  auto shard = sys.spawn([count](tier_actor::pointer self) -> tier_actor::behavior_type {
    return {
      [self, count](get_atom, const cache_key&) {
        count(self->current_sender());
        return troupe::detail::shared_bytes{};
      },
      [self, count](put_atom, const cache_key&, const troupe::detail::shared_bytes&) {
        count(self->current_sender());
      },
      [](commit_atom) { return std::uint64_t{0}; },
      [](stats_atom) { return tier_counters{}; },
    };
  });
  {
    tier_actor_l3 l3{sys, shard, 500ms, "l3:test"};
    key_parts parts;
    parts.agent_id = "size";
    parts.input = content_digest("y = 2\n");
    REQUIRE_FALSE(l3.put(parts.key(), make_value("v")));
    CHECK_FALSE(l3.get(parts.key()));
  }
  // The get is answered only after the put was handled (one mailbox, in
  // order), so both were counted by now.
  CHECK(*named == 2);
  CHECK(*anonymous == 0);
  {
    l3_group group{sys, 500ms};
    group.join("node0", shard);
    key_parts parts;
    parts.agent_id = "size";
    parts.input = content_digest("z = 3\n");
    REQUIRE_FALSE(group.put(parts.key(), make_value("v")));
    CHECK_FALSE(group.get(parts.key()));
  }
  CHECK(*named == 4);
  CHECK(*anonymous == 0);
  caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
}
