// The per-input bundle of records in L2: format, per-agent invalidation,
// damaged and old-format entries, other agents' entries, two processes.
#include "troupe/cache/record_bundle.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <random>
#include <unordered_map>

#include <sys/wait.h>
#include <unistd.h>

#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/l3_tier.hpp"
#include "troupe/cache/tiered_cache.hpp"

#include "test_support.hpp"

using namespace troupe::cache;
using namespace troupe::cache::test;

namespace {

constexpr std::string_view group = "group1";

key_parts agent_parts(const std::string& agent, const std::string& content,
                      const std::string& version = "1") {
  key_parts p;
  p.agent_id = agent;
  p.agent_version = version;
  p.grammar_version = "tree-sitter-python@0.23.6";
  p.input = content_digest(content);
  return p;
}

std::vector<key_parts> members(const std::vector<std::string>& agents,
                               const std::string& content,
                               const std::map<std::string, std::string>& versions = {}) {
  std::vector<key_parts> out;
  for (const auto& a : agents) {
    auto v = versions.count(a) ? versions.at(a) : "1";
    out.push_back(agent_parts(a, content, v));
  }
  return out;
}

/// The record an agent computes for a content at a version.
std::string record_of(const key_parts& p) {
  return make_payload(p.agent_id + "@" + p.agent_version, 0, 200 + p.agent_id.size() * 37);
}

std::vector<value_ptr> compute(const group_lookup& found, const std::vector<key_parts>& parts,
                               int* computed = nullptr) {
  std::vector<value_ptr> values;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (found.members[i].value) {
      values.push_back(found.members[i].value);
    } else {
      values.push_back(make_value(record_of(parts[i])));
      if (computed)
        ++*computed;
    }
  }
  return values;
}

/// A fresh process's view of the folder: empty L1, a new L2 store.
struct session {
  std::shared_ptr<l2_store> l2;
  std::unique_ptr<tiered_cache> cache;

  std::string history;

  explicit session(const scratch_dir& dir, std::shared_ptr<l3_tier> l3 = nullptr)
    : history(dir / "key-history") {
    l2_options opts;
    opts.directory = dir / "records";
    l2 = std::make_shared<l2_store>(opts);
    REQUIRE_FALSE(l2->open());
    cache = std::make_unique<tiered_cache>(std::make_shared<l1_store>(), l2, std::move(l3));
    REQUIRE_FALSE(cache->history().load(history));
  }

  ~session() {
    (void) cache->history().save(history);
  }

  /// Looks the members up, computes and stores the missing ones; returns
  /// how many were computed.
  int run(const std::vector<key_parts>& parts, const std::string& content,
          const std::string& input = "a.py") {
    auto found = cache->get_group(bundle_key(group, content_digest(content)), parts, input);
    int computed = 0;
    auto values = compute(found, parts, &computed);
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (found.members[i].value)
        CHECK(*found.members[i].value == record_of(parts[i]));
    if (computed > 0)
      REQUIRE_FALSE(cache->put_group(found, values));
    return computed;
  }
};

std::size_t record_files(const scratch_dir& dir) {
  std::size_t n = 0;
  for (int i = 0; i < 256; ++i) {
    char sub[3];
    std::snprintf(sub, sizeof(sub), "%02x", i);
    if (DIR* d = ::opendir((dir / "records/" + sub).c_str())) {
      while (auto* e = ::readdir(d))
        n += std::string{e->d_name}.size() > 4
             && std::string{e->d_name}.substr(std::string{e->d_name}.size() - 4) == ".rec";
      ::closedir(d);
    }
  }
  return n;
}

std::vector<bundle_entry_view> stored_entries(session& s, const std::string& content,
                                              std::string& payload) {
  auto v = s.l2->get(bundle_key(group, content_digest(content)));
  REQUIRE(v);
  payload = *v;
  std::vector<bundle_entry_view> out;
  REQUIRE(decode_bundle(payload, out) == nullptr);
  return out;
}

const std::vector<std::string> six = {"symbols", "size", "complexity", "imports", "docstrings",
                                      "todos"};

} // namespace

TEST_CASE("bundle encoding round-trips and rejects damaged layouts") {
  std::vector<bundle_entry> entries{{key_of(1), "size", "abc"},
                                    {key_of(2), "symbols", std::string_view{}},
                                    {key_of(3), "todos", std::string_view{"a record\n\0 with a nul", 22}}};
  auto bytes = encode_bundle(entries);
  CHECK(is_bundle(bytes));
  std::vector<bundle_entry_view> out;
  REQUIRE(decode_bundle(bytes, out) == nullptr);
  REQUIRE(out.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(out[i].key == entries[i].key);
    CHECK(out[i].agent == entries[i].agent);
    CHECK(out[i].record == entries[i].record);
  }
  CHECK(decode_bundle(encode_bundle({}), out) == nullptr);
  CHECK(out.empty());

  CHECK(std::string{decode_bundle("plain record bytes", out)} == "not a bundle");
  CHECK(std::string{decode_bundle(bytes.substr(0, 12), out)} == "truncated bundle");
  CHECK(std::string{decode_bundle(bytes.substr(0, bytes.size() - 1), out)}
        == "truncated bundle");
  CHECK(std::string{decode_bundle(bytes + "x", out)} == "trailing bytes in bundle");
  auto other_version = bytes;
  other_version[8] = 2;
  CHECK(std::string{decode_bundle(other_version, out)} == "unsupported bundle version");
  auto huge_count = bytes;
  huge_count[15] = 0x7f;
  CHECK(std::string{decode_bundle(huge_count, out)} == "bad bundle table");
  auto long_record = bytes;
  long_record[16 + 20 + 2] = 0x40; // first record claims 4 MiB
  CHECK(std::string{decode_bundle(long_record, out)} == "truncated bundle");
  CHECK(check_bundle(bytes) == nullptr);
}

TEST_CASE("bundle keys depend on group and content only") {
  auto a = bundle_key("group1", content_digest("x"));
  CHECK(a == bundle_key("group1", content_digest("x")));
  CHECK(a != bundle_key("group1", content_digest("y")));
  CHECK(a != bundle_key("group2", content_digest("x")));
  // Never a record key of the same content.
  CHECK(a != agent_parts("group1", "x").key());
}

TEST_CASE("a file's records are one L2 file, served together in a new process") {
  scratch_dir dir;
  auto parts = members(six, "def f(): pass\n");
  {
    session cold{dir};
    CHECK(cold.run(parts, "def f(): pass\n") == 6);
    auto s = cold.cache->stats();
    CHECK(s.tiers[1].misses == 6);
    CHECK(s.tiers[1].bytes_written > 0);
  }
  CHECK(record_files(dir) == 1);
  session warm{dir};
  CHECK(warm.run(parts, "def f(): pass\n") == 0);
  auto s = warm.cache->stats();
  CHECK(s.tiers[1].hits == 6);
  CHECK(s.tiers[1].misses == 0);
  CHECK(s.tiers[1].hit_latency.count() == 1); // one bundle read
  CHECK(warm.l2->stats().hits == 1);
  for (const auto& agent : six) {
    INFO(agent);
    CHECK(s.agents.at(agent).hits[1] == 1);
    CHECK(s.agents.at(agent).misses == 0);
  }
  // Backfilled into L1: the same process now hits there, L2 is not asked.
  CHECK(warm.run(parts, "def f(): pass\n") == 0);
  CHECK(warm.cache->stats().tiers[0].hits == 6);
  CHECK(warm.l2->stats().hits == 1);
}

TEST_CASE("a new version of one agent recomputes only that agent's record") {
  scratch_dir dir;
  const std::string content = "class A:\n    pass\n";
  {
    session cold{dir};
    cold.run(members(six, content), content);
  }
  std::string before_payload;
  auto before = [&] {
    session s{dir};
    return stored_entries(s, content, before_payload);
  }();
  auto bumped = members(six, content, {{"complexity", "2"}});
  {
    session next{dir};
    auto found =
      next.cache->get_group(bundle_key(group, content_digest(content)), bumped, "a.py");
    for (std::size_t i = 0; i < six.size(); ++i) {
      INFO(six[i]);
      CHECK((found.members[i].value == nullptr) == (six[i] == "complexity"));
    }
    REQUIRE(found.members[2].why_missed);
    CHECK(*found.members[2].why_missed == std::vector<std::string>{"agent_version"});
    auto s = next.cache->stats();
    CHECK(s.agents.at("complexity").misses == 1);
    CHECK(s.agents.at("complexity").changed_parts.at("agent_version") == 1);
    CHECK(s.agents.at("size").hits[1] == 1);
    CHECK(s.tiers[1].hits == 5);
    CHECK(s.tiers[1].misses == 1);
    int computed = 0;
    auto values = compute(found, bumped, &computed);
    CHECK(computed == 1);
    REQUIRE_FALSE(next.cache->put_group(found, values));
  }
  // The bundle was rewritten in place: same file, the other five entries
  // byte for byte, complexity superseded (one entry per agent).
  CHECK(record_files(dir) == 1);
  session after{dir};
  std::string after_payload;
  auto entries = stored_entries(after, content, after_payload);
  REQUIRE(entries.size() == 6);
  for (const auto& e : entries) {
    INFO(e.agent);
    for (const auto& b : before)
      if (b.agent == e.agent && e.agent != "complexity") {
        CHECK(b.key == e.key);
        CHECK(b.record == e.record);
      }
    if (e.agent == "complexity")
      CHECK(e.key == bumped[2].key());
  }
  CHECK(after.run(bumped, content) == 0);
}

TEST_CASE("a grown agent list computes only the new agents and keeps other builds' entries") {
  scratch_dir dir;
  const std::string content = "import os\n";
  {
    session s{dir};
    CHECK(s.run(members(six, content), content) == 6);
  }
  auto grown = six;
  grown.insert(grown.end(), {"security", "naming"});
  {
    session s{dir};
    CHECK(s.run(members(grown, content), content) == 2);
  }
  // A build that knows only two agents (and a new one) keeps the others'
  // entries when it rewrites the bundle.
  {
    session s{dir};
    CHECK(s.run(members({"symbols", "size", "host.custom"}, content), content) == 1);
  }
  session s{dir};
  auto all = grown;
  all.push_back("host.custom");
  CHECK(s.run(members(all, content), content) == 0);
  CHECK(s.cache->stats().tiers[1].hits == all.size());
}

TEST_CASE("a damaged bundle is one corrupt miss for every member, then rewritten") {
  scratch_dir dir;
  const std::string content = "x = 1\n";
  auto parts = members(six, content);
  auto key = bundle_key(group, content_digest(content));
  {
    session s{dir};
    s.run(parts, content);
  }
  std::string path;
  std::string good;
  {
    session s{dir};
    path = s.l2->record_path(key);
    good = read_file(path);
  }
  REQUIRE(!good.empty());
  auto expect_corrupt_then_rewritten = [&] {
    {
      session s{dir};
      CHECK(s.run(parts, content) == 6);
      CHECK(s.l2->stats().corrupt == 1);
      auto st = s.cache->stats();
      CHECK(st.tiers[1].misses == 6);
      for (const auto& agent : six)
        CHECK(st.agents.at(agent).misses == 1);
    }
    session s{dir};
    CHECK(s.run(parts, content) == 0);
    CHECK(s.l2->stats().corrupt == 0);
  };
  SECTION("a flipped bit in a record") {
    auto bad = good;
    bad[bad.size() - 5] ^= 0x04;
    write_file(path, bad);
    expect_corrupt_then_rewritten();
  }
  SECTION("truncated in the entry table") {
    write_file(path, good.substr(0, 48 + 30));
    expect_corrupt_then_rewritten();
  }
  SECTION("an intact record whose payload is not a bundle (an old-format entry)") {
    // What the previous format stored: one agent's record per L2 file; here
    // such a payload sits under the bundle's key with a valid checksum.
    session s{dir};
    REQUIRE_FALSE(s.l2->put(key, record_of(parts[0])));
    expect_corrupt_then_rewritten();
  }
  SECTION("a bundle of a future format version") {
    auto payload = encode_bundle({{parts[0].key(), "symbols", "r"}});
    payload[8] = 9;
    session s{dir};
    REQUIRE_FALSE(s.l2->put(key, payload));
    expect_corrupt_then_rewritten();
  }
  SECTION("inconsistent table with a valid checksum") {
    auto payload = encode_bundle({{parts[0].key(), "symbols", "record"}});
    payload.push_back('!');
    session s{dir};
    REQUIRE_FALSE(s.l2->put(key, payload));
    auto report = s.l2->verify(false);
    REQUIRE(report.bad.size() == 1);
    CHECK(report.bad[0].reason == "trailing bytes in bundle");
    expect_corrupt_then_rewritten();
  }
}

TEST_CASE("records in the old one-file-per-agent format are ignored safely") {
  scratch_dir dir;
  const std::string content = "def old(): return 1\n";
  auto parts = members(six, content);
  {
    // The previous release stored each agent's record under its own key.
    session old{dir};
    for (const auto& p : parts)
      REQUIRE_FALSE(old.l2->put(p.key(), "old-format " + p.agent_id));
  }
  REQUIRE(record_files(dir) == 6);
  {
    session s{dir};
    // Never served: a group lookup asks L2 for the bundle only.
    CHECK(s.run(parts, content) == 6);
    CHECK(s.l2->stats().corrupt == 0);
    // They remain intact records for `troupe cache verify`, and age out by
    // eviction like any record.
    auto report = s.l2->verify(false);
    CHECK(report.bad.empty());
    CHECK(report.records == 7);
    CHECK(s.l2->gc(0).records_after == 0);
  }
  session s{dir};
  CHECK(s.run(parts, content) == 6);
  CHECK(s.run(parts, content) == 0);
}

TEST_CASE("a group lookup reads through L3 and writes the bundle back") {
  scratch_dir dir;
  scratch_dir other;
  auto l3 = std::make_shared<fake_l3>();
  const std::string content = "y = 2\n";
  auto parts = members(six, content);
  {
    session s{other, l3}; // another node filled L3
    CHECK(s.run(parts, content) == 6);
  }
  CHECK(l3->map.size() == 1); // the whole bundle, under the bundle's key
  {
    session s{dir, l3};
    CHECK(s.run(parts, content) == 0);
    CHECK(s.cache->stats().tiers[2].hits == 6);
  }
  session s{dir}; // no L3: the bundle was backfilled
  CHECK(s.run(parts, content) == 0);
  CHECK(s.cache->stats().tiers[1].hits == 6);
}

TEST_CASE("bundles prefetched from L3 at once serve the lookups without a request each") {
  scratch_dir dir;
  scratch_dir other;
  auto l3 = std::make_shared<fake_l3>();
  const std::vector<std::string> contents{"a = 1\n", "b = 2\n", "c = 3\n"};
  {
    session s{other, l3}; // another node filled L3
    for (const auto& c : contents)
      CHECK(s.run(members(six, c), c) == 6);
  }
  std::vector<cache_key> bundles;
  for (const auto& c : contents)
    bundles.push_back(bundle_key(group, content_digest(c)));
  l3->gets = 0;
  session s{dir, l3};
  CHECK(s.run(members(six, contents[0]), contents[0]) == 0); // one request, backfilled to L2
  CHECK(l3->gets == 1);
  // The first bundle is in L2 now: only the other two are asked for.
  s.cache->prefetch_l3(bundles);
  CHECK(l3->gets == 3);
  CHECK(s.run(members(six, contents[1]), contents[1]) == 0);
  CHECK(s.run(members(six, contents[2]), contents[2]) == 0);
  CHECK(l3->gets == 3); // both served by the prefetch
  CHECK(s.cache->stats().tiers[2].hits == 18);
  // What no lookup took is dropped; a lookup then asks L3 itself.
  scratch_dir third;
  session t{third, l3};
  t.cache->prefetch_l3(bundles);
  CHECK(l3->gets == 6);
  t.cache->drop_prefetched(bundles);
  CHECK(t.run(members(six, contents[0]), contents[0]) == 0);
  CHECK(l3->gets == 7);
  // Without L3 nothing is asked.
  session none{dir};
  none.cache->prefetch_l3(bundles);
  CHECK(l3->gets == 7);
}

TEST_CASE("failed agents are never cached in a bundle") {
  scratch_dir dir;
  const std::string content = "z = 3\n";
  auto parts = members(six, content);
  {
    session s{dir};
    auto found = s.cache->get_group(bundle_key(group, content_digest(content)), parts, "a.py");
    auto values = compute(found, parts);
    values[3] = nullptr; // imports failed
    REQUIRE_FALSE(s.cache->put_group(found, values));
  }
  session s{dir};
  auto found = s.cache->get_group(bundle_key(group, content_digest(content)), parts, "a.py");
  for (std::size_t i = 0; i < parts.size(); ++i)
    CHECK((found.members[i].value == nullptr) == (i == 3));
}

TEST_CASE("two processes writing bundles of shared inputs lose nothing") {
  scratch_dir dir;
  constexpr int inputs = 120;
  auto worker = [&](unsigned seed) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int rc = 0;
      {
        l2_options opts;
        opts.directory = dir / "records";
        opts.commit_batch = 16;
        auto l2 = std::make_shared<l2_store>(opts);
        if (l2->open())
          ::_exit(1);
        tiered_cache cache{std::make_shared<l1_store>(), l2};
        std::mt19937 rng{seed};
        for (int n = 0; n < inputs; ++n) {
          auto i = (n + static_cast<int>(seed) * 17) % inputs;
          auto content = "content " + std::to_string(i);
          auto parts = members(six, content);
          auto found = cache.get_group(bundle_key(group, content_digest(content)), parts,
                                       "f" + std::to_string(i) + ".py");
          for (std::size_t m = 0; m < parts.size(); ++m)
            if (found.members[m].value && *found.members[m].value != record_of(parts[m]))
              rc = 3;
          if (!found.complete() && cache.put_group(found, compute(found, parts)))
            rc = 2;
          if (rng() % 8 == 0) {
            auto j = rng() % inputs;
            auto peek = "content " + std::to_string(j);
            auto peek_parts = members(six, peek);
            auto got = cache.get_group(bundle_key(group, content_digest(peek)), peek_parts,
                                       "f" + std::to_string(j) + ".py");
            for (std::size_t m = 0; m < peek_parts.size(); ++m)
              if (got.members[m].value && *got.members[m].value != record_of(peek_parts[m]))
                rc = 4;
          }
        }
        if (l2->commit())
          rc = 5;
        if (l2->stats().corrupt != 0)
          rc = 6;
      }
      ::_exit(rc);
    }
    REQUIRE(pid > 0);
    return pid;
  };
  auto a = worker(1);
  auto b = worker(2);
  int status = 0;
  ::waitpid(a, &status, 0);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  ::waitpid(b, &status, 0);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  session s{dir};
  for (int i = 0; i < inputs; ++i) {
    auto content = "content " + std::to_string(i);
    CAPTURE(i);
    CHECK(s.run(members(six, content), content) == 0);
  }
  CHECK(s.l2->stats().corrupt == 0);
  CHECK(s.l2->verify(false).bad.empty());
  CHECK(temp_files(dir / "records").empty());
}
