#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/key_history.hpp"
#include "troupe/cache/key_parts.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using namespace troupe::cache;

namespace {

// A toy checkout: file contents by path, with a parse agent per file and a
// symbols agent that depends on the parse record.
struct checkout {
  std::map<std::string, std::string> files;
  std::string parse_version = "1";
  std::string symbols_version = "1";
  std::map<std::string, std::string> symbols_settings{{"depth", "8"}};

  key_parts parse_parts(const std::string& bytes) const {
    key_parts p;
    p.agent_id = "python.parse";
    p.agent_version = parse_version;
    p.grammar_version = "tree-sitter-python 0.20";
    p.input = content_digest(bytes);
    return p;
  }

  key_parts symbols_parts(const std::string& bytes) const {
    key_parts p;
    p.agent_id = "python.symbols";
    p.agent_version = symbols_version;
    p.settings = canonical_settings(symbols_settings);
    p.input = content_digest(bytes);
    // The parse record's digest stands for its content.
    p.upstream = {{"python.parse", content_digest(parse_parts(bytes).key().hex())}};
    return p;
  }

  // Keys by (agent, relative path); the root never enters a key.
  std::map<std::string, cache_key> keys() const {
    std::map<std::string, cache_key> out;
    for (auto& [path, bytes] : files) {
      out["parse:" + path] = parse_parts(bytes).key();
      out["symbols:" + path] = symbols_parts(bytes).key();
    }
    return out;
  }
};

std::set<std::string> changed(const std::map<std::string, cache_key>& before,
                              const std::map<std::string, cache_key>& after) {
  std::set<std::string> out;
  for (auto& [name, key] : after)
    if (before.at(name) != key)
      out.insert(name);
  return out;
}

checkout sample() {
  checkout c;
  c.files = {{"a.py", "def a(): pass\n"},
             {"b.py", "import a\n"},
             {"pkg/c.py", "class C: ...\n"}};
  return c;
}

} // namespace

TEST_CASE("keys render as hex and round-trip") {
  auto key = sample().parse_parts("x").key();
  auto hex = key.hex();
  CHECK(hex.size() == 32);
  CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  REQUIRE(cache_key::from_hex(hex));
  CHECK(*cache_key::from_hex(hex) == key);
  CHECK_FALSE(cache_key::from_hex("xyz"));
  CHECK_FALSE(cache_key::from_hex(std::string(32, 'g')));
  std::unordered_map<cache_key, int> map{{key, 1}};
  CHECK(map.at(key) == 1);
  CHECK(content_digest("abc") == content_digest("abc"));
  CHECK(content_digest("abc") != content_digest("abd"));
}

TEST_CASE("moving a checkout keeps every key") {
  // Write the checkout to disk, compute keys from what is read back, move
  // the folder, and compute them again.
  auto c = sample();
  auto base = "/tmp/troupe-key-test-" + std::to_string(::getpid());
  auto read_back = [&](const std::string& root) {
    checkout from_disk = c;
    for (auto& [path, bytes] : from_disk.files) {
      std::FILE* f = std::fopen((root + "/" + path).c_str(), "rb");
      REQUIRE(f != nullptr);
      char buf[256];
      bytes.assign(buf, std::fread(buf, 1, sizeof(buf), f));
      std::fclose(f);
    }
    return from_disk.keys();
  };
  REQUIRE(::mkdir(base.c_str(), 0755) == 0);
  auto first = base + "/first";
  REQUIRE(::mkdir(first.c_str(), 0755) == 0);
  REQUIRE(::mkdir((first + "/pkg").c_str(), 0755) == 0);
  for (auto& [path, bytes] : c.files) {
    std::FILE* f = std::fopen((first + "/" + path).c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  auto keys = read_back(first);
  CHECK(keys == c.keys());
  auto moved = base + "/elsewhere";
  REQUIRE(std::rename(first.c_str(), moved.c_str()) == 0);
  CHECK(read_back(moved) == keys);
  std::system(("rm -rf " + base).c_str());
}

TEST_CASE("one change misses exactly the dependent keys") {
  auto base = sample();
  auto before = base.keys();
  SECTION("one byte of one file") {
    auto c = base;
    c.files["b.py"][0] = 'I';
    CHECK(changed(before, c.keys())
          == std::set<std::string>{"parse:b.py", "symbols:b.py"});
  }
  SECTION("one setting of one agent") {
    auto c = base;
    c.symbols_settings["depth"] = "9";
    CHECK(changed(before, c.keys())
          == std::set<std::string>{"symbols:a.py", "symbols:b.py",
                                   "symbols:pkg/c.py"});
  }
  SECTION("the version of the upstream agent") {
    auto c = base;
    c.parse_version = "2";
    // symbols depends on the parse record, so it misses too.
    CHECK(changed(before, c.keys()).size() == 6);
  }
  SECTION("the version of the downstream agent") {
    auto c = base;
    c.symbols_version = "2";
    CHECK(changed(before, c.keys())
          == std::set<std::string>{"symbols:a.py", "symbols:b.py",
                                   "symbols:pkg/c.py"});
  }
}

TEST_CASE("every part feeds the key and parts cannot bleed into each other") {
  auto base = sample().symbols_parts("x");
  auto k = base.key();
  std::vector<key_parts> variants(7, base);
  variants[0].agent_id += "!";
  variants[1].agent_version = "2";
  variants[2].grammar_version = "g";
  variants[3].settings += "x=1\n";
  variants[4].input = content_digest("y");
  variants[5].upstream[0].value = content_digest("z");
  variants[6].upstream.push_back({"other", content_digest("o")});
  std::set<cache_key> seen{k};
  for (auto& v : variants)
    CHECK(seen.insert(v.key()).second);
  // Length prefixes keep ("ab", "c") apart from ("a", "bc").
  auto x = base, y = base;
  x.agent_id = "ab", x.agent_version = "c";
  y.agent_id = "a", y.agent_version = "bc";
  CHECK(x.key() != y.key());
  // Upstream order does not matter.
  auto p = base, q = base;
  p.upstream = {{"a", content_digest("1")}, {"b", content_digest("2")}};
  q.upstream = {{"b", content_digest("2")}, {"a", content_digest("1")}};
  CHECK(p.key() == q.key());
  // Settings are canonical and escaped.
  CHECK(canonical_settings({{"b", "2"}, {"a", "1"}}) == "a=1\nb=2\n");
  CHECK(canonical_settings({{"a", "1\nb=2"}})
        != canonical_settings({{"a", "1"}, {"b", "2"}}));
}

TEST_CASE("diff_key_parts names the part that changed") {
  auto c = sample();
  auto old_parts = c.symbols_parts("def a(): pass\n");
  CHECK(diff_key_parts(old_parts, old_parts).empty());
  auto p = old_parts;
  p.settings = canonical_settings({{"depth", "9"}});
  CHECK(diff_key_parts(old_parts, p) == std::vector<std::string>{"settings"});
  p = old_parts;
  p.agent_version = "7";
  CHECK(diff_key_parts(old_parts, p)
        == std::vector<std::string>{"agent_version"});
  // A changed input also changes the upstream parse record.
  auto q = c.symbols_parts("def a(): return 1\n");
  CHECK(diff_key_parts(old_parts, q)
        == std::vector<std::string>{"input", "upstream:python.parse"});
  p = old_parts;
  p.upstream.clear();
  p.grammar_version = "g2";
  CHECK(diff_key_parts(old_parts, p)
        == std::vector<std::string>{"grammar_version", "upstream:python.parse"});
}

TEST_CASE("key_history explains misses and survives a save and load") {
  key_history h;
  auto c = sample();
  auto parts = c.parse_parts("v1");
  CHECK_FALSE(h.remember("python.parse", "a.py", parts, parts.key(), true));
  // Same key again (e.g. evicted): known, but nothing changed.
  auto again = h.remember("python.parse", "a.py", parts, parts.key(), true);
  REQUIRE(again);
  CHECK(again->empty());
  auto edited = c.parse_parts("v2");
  auto why = h.remember("python.parse", "a.py", edited, edited.key(), true);
  REQUIRE(why);
  CHECK(*why == std::vector<std::string>{"input"});
  // A hit returns no explanation but still records the parts.
  CHECK_FALSE(h.remember("python.parse", "b.py", parts, parts.key(), false));
  CHECK(h.size() == 2);

  auto sym = c.symbols_parts("with\nnewlines and 12:colons");
  sym.settings = "odd=\n\\=";
  CHECK_FALSE(h.remember("python.symbols", "pkg/c.py", sym, sym.key(), true));
  auto path = "/tmp/troupe-key-history-" + std::to_string(::getpid());
  REQUIRE_FALSE(h.save(path));
  key_history loaded;
  REQUIRE_FALSE(loaded.load(path));
  CHECK(loaded.size() == 3);
  REQUIRE(loaded.last("python.symbols", "pkg/c.py"));
  CHECK(*loaded.last("python.symbols", "pkg/c.py") == sym);
  CHECK(loaded.last("python.symbols", "pkg/c.py")->settings == sym.settings);
  REQUIRE(loaded.last("python.parse", "a.py"));
  CHECK(loaded.last("python.parse", "a.py")->input == edited.input);
  // A damaged file is an error value and an empty history.
  {
    std::FILE* f = std::fopen(path.c_str(), "ab");
    std::fputs("99:short", f);
    std::fclose(f);
  }
  auto err = loaded.load(path);
  CHECK(err.code() == troupe::errc::corrupt_record);
  CHECK(loaded.size() == 0);
  std::remove(path.c_str());
  CHECK_FALSE(loaded.load(path)); // missing: empty, no error
}

namespace {

ino_t inode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

} // namespace

TEST_CASE("key_history saves nothing when no key changed, and merges changes") {
  auto c = sample();
  auto path = "/tmp/troupe-key-history-merge-" + std::to_string(::getpid());
  std::vector<std::string> agents{"python.parse", "python.symbols", "size"};
  auto parts_of = [&](const std::string& agent, int file, const std::string& content) {
    auto p = agent == "python.symbols" ? c.symbols_parts(content) : c.parse_parts(content);
    p.agent_id = agent;
    (void) file;
    return p;
  };
  {
    key_history h;
    REQUIRE_FALSE(h.load(path)); // absent: empty
    for (int i = 0; i < 500; ++i)
      for (auto& a : agents) {
        auto p = parts_of(a, i, "content " + std::to_string(i));
        CHECK_FALSE(h.remember(a, "f" + std::to_string(i) + ".py", p, p.key(), true));
      }
    REQUIRE_FALSE(h.save(path));
  }
  auto first_inode = inode_of(path);
  {
    // A warm run: every lookup hits with the same key; the file is kept.
    key_history h;
    REQUIRE_FALSE(h.load(path));
    CHECK(h.size() == 1500);
    for (int i = 0; i < 500; ++i)
      for (auto& a : agents) {
        auto p = parts_of(a, i, "content " + std::to_string(i));
        CHECK_FALSE(h.remember(a, "f" + std::to_string(i) + ".py", p, p.key(), false));
      }
    REQUIRE_FALSE(h.save(path));
    CHECK(inode_of(path) == first_inode);
  }
  {
    // Every 10th file changed, one new file: why-missed from the loaded
    // rows, then a merged file.
    key_history h;
    REQUIRE_FALSE(h.load(path));
    for (int i = 0; i < 500; i += 10)
      for (auto& a : agents) {
        auto p = parts_of(a, i, "edited " + std::to_string(i));
        auto why = h.remember(a, "f" + std::to_string(i) + ".py", p, p.key(), true);
        REQUIRE(why);
        CHECK(why->front() == "input");
      }
    auto p = parts_of("size", 500, "new file");
    CHECK_FALSE(h.remember("size", "f500.py", p, p.key(), true));
    CHECK(h.size() == 1501);
    REQUIRE_FALSE(h.save(path));
    CHECK(inode_of(path) != first_inode);
  }
  key_history h;
  REQUIRE_FALSE(h.load(path));
  CHECK(h.size() == 1501);
  for (int i = 0; i < 500; ++i) {
    auto content = (i % 10 == 0 ? "edited " : "content ") + std::to_string(i);
    for (auto& a : agents) {
      auto last = h.last(a, "f" + std::to_string(i) + ".py");
      REQUIRE(last);
      CHECK(*last == parts_of(a, i, content));
      CHECK(last->upstream == parts_of(a, i, content).upstream);
    }
  }
  CHECK(h.last("size", "f500.py"));
  CHECK_FALSE(h.last("size", "f501.py"));
  std::remove(path.c_str());
}

TEST_CASE("key_history drops the old text format without an error") {
  auto path = "/tmp/troupe-key-history-text-" + std::to_string(::getpid());
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("troupe-key-history 1\n4:size4:a.py4:size1:10:0:32:"
               "0000000000000000000000000000000000:0\n", f);
    std::fclose(f);
  }
  key_history h;
  CHECK_FALSE(h.load(path));
  CHECK(h.size() == 0);
  key_parts p;
  p.agent_id = "size";
  p.input = content_digest("x");
  CHECK_FALSE(h.remember("size", "a.py", p, p.key(), true));
  REQUIRE_FALSE(h.save(path));
  key_history again;
  REQUIRE_FALSE(again.load(path));
  CHECK(again.size() == 1);
  // Bit flips anywhere are caught by the checksum.
  std::string bytes;
  {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;)
      bytes.append(buf, n);
    std::fclose(f);
  }
  for (std::size_t at : {std::size_t{0}, std::size_t{9}, std::size_t{20}, std::size_t{30},
                         bytes.size() / 2, bytes.size() - 1}) {
    CAPTURE(at);
    auto bad = bytes;
    bad[at] ^= 0x20;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(bad.data(), 1, bad.size(), f);
    std::fclose(f);
    key_history damaged;
    auto err = damaged.load(path);
    CHECK(err.code() == troupe::errc::corrupt_record);
    CHECK(damaged.size() == 0);
  }
  std::remove(path.c_str());
}
