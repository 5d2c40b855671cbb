#include "troupe/cache/l2_store.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>

#include "test_support.hpp"

using namespace troupe::cache;
using namespace troupe::cache::test;

namespace {

l2_options options_for(const scratch_dir& dir, std::uint64_t max_bytes = 1 << 30) {
  l2_options opts;
  opts.directory = dir / "cache";
  opts.max_bytes = max_bytes;
  return opts;
}

// Sets a file's mtime `seconds_ago` into the past.
void age_file(const std::string& path, int seconds_ago) {
  struct timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds_ago;
  times[1] = times[0];
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

constexpr std::uint64_t header_size = 48;

} // namespace

TEST_CASE("l2 round trip and restart") {
  scratch_dir dir;
  auto payload = make_payload("one", 1, 5000);
  {
    l2_store l2{options_for(dir)};
    REQUIRE_FALSE(l2.open());
    CHECK(l2.get(key_of(1)) == nullptr);
    REQUIRE_FALSE(l2.put(key_of(1), payload));
    REQUIRE_FALSE(l2.put(key_of(2), ""));
    auto hit = l2.get(key_of(1));
    REQUIRE(hit);
    CHECK(*hit == payload);
    auto empty = l2.get(key_of(2));
    REQUIRE(empty);
    CHECK(empty->empty());
    auto s = l2.stats();
    CHECK(s.hits == 2);
    CHECK(s.misses == 1);
    CHECK(s.writes == 2);
    CHECK(s.entries == 2);
    CHECK(s.bytes == 2 * header_size + payload.size());
    // Layout: fan-out folder named after the first two hex digits.
    auto hex = key_of(1).hex();
    CHECK(l2.record_path(key_of(1))
          == dir / "cache/" + hex.substr(0, 2) + "/" + hex + ".rec");
    CHECK(read_file(l2.record_path(key_of(1))).substr(0, 8) == "TRPCACHE");
  }
  l2_store again{options_for(dir)};
  REQUIRE_FALSE(again.open());
  CHECK(again.stats().entries == 2); // indexed by the scan at open
  CHECK(again.stats().bytes == 2 * header_size + payload.size());
  auto hit = again.get(key_of(1));
  REQUIRE(hit);
  CHECK(*hit == payload);
  CHECK(temp_files(dir / "cache").empty());
}

TEST_CASE("l2 overwrites a record in place") {
  scratch_dir dir;
  l2_store l2{options_for(dir)};
  REQUIRE_FALSE(l2.open());
  REQUIRE_FALSE(l2.put(key_of(1), "old"));
  REQUIRE_FALSE(l2.put(key_of(1), "newer"));
  CHECK(*l2.get(key_of(1)) == "newer");
  CHECK(l2.stats().entries == 1);
  CHECK(l2.stats().bytes == header_size + 5);
  CHECK(l2.erase(key_of(1)));
  CHECK(l2.get(key_of(1)) == nullptr);
  CHECK(l2.stats().entries == 0);
}

TEST_CASE("l2 evicts least recently used records beyond its byte bound") {
  scratch_dir dir;
  auto record = header_size + 1000;
  l2_options opts = options_for(dir, 5 * record);
  opts.touch_interval = std::chrono::seconds(0);
  l2_store l2{opts};
  REQUIRE_FALSE(l2.open());
  for (int i = 0; i < 5; ++i)
    REQUIRE_FALSE(l2.put(key_of(i), std::string(1000, 'a' + i)));
  REQUIRE(l2.get(key_of(0))); // 0 is now the most recently used
  for (int i = 5; i < 8; ++i)
    REQUIRE_FALSE(l2.put(key_of(i), std::string(1000, 'a' + i)));
  CHECK(l2.stats().evictions == 3);
  CHECK(l2.stats().bytes == 5 * record);
  CHECK(l2.get(key_of(0)));
  for (int i = 1; i <= 3; ++i) {
    CHECK(l2.get(key_of(i)) == nullptr);
    CHECK(::access(l2.record_path(key_of(i)).c_str(), F_OK) != 0);
  }
  for (int i = 4; i < 8; ++i)
    CHECK(*l2.get(key_of(i)) == std::string(1000, 'a' + i));
}

TEST_CASE("l2 gc removes the least recently used records on disk") {
  scratch_dir dir;
  {
    l2_store writer{options_for(dir)};
    REQUIRE_FALSE(writer.open());
    for (int i = 0; i < 10; ++i) {
      REQUIRE_FALSE(writer.put(key_of(i), std::string(1000, 'x')));
      age_file(writer.record_path(key_of(i)), 1000 - i); // 0 is oldest
    }
  }
  l2_options opts = options_for(dir);
  opts.touch_interval = std::chrono::seconds(0);
  l2_store l2{opts};
  REQUIRE_FALSE(l2.open());
  REQUIRE(l2.get(key_of(1))); // a hit refreshes its mtime, so 1 survives
  auto report = l2.gc(4 * (header_size + 1000));
  CHECK(report.records_before == 10);
  CHECK(report.bytes_before == 10 * (header_size + 1000));
  CHECK(report.removed == 6);
  CHECK(report.records_after == 4);
  CHECK(report.bytes_after == 4 * (header_size + 1000));
  for (int i : {1, 7, 8, 9})
    CHECK(l2.get(key_of(i)));
  for (int i : {0, 2, 3, 4, 5, 6})
    CHECK(l2.get(key_of(i)) == nullptr);
}

TEST_CASE("l2 treats damaged files as corrupt misses and rewrites them") {
  scratch_dir dir;
  l2_store l2{options_for(dir)};
  REQUIRE_FALSE(l2.open());
  auto payload = make_payload("victim", 3, 3000);
  auto path = l2.record_path(key_of(7));
  REQUIRE_FALSE(l2.put(key_of(7), payload));
  auto good = read_file(path);
  REQUIRE(good.size() == header_size + payload.size());
  auto expect_corrupt_then_rewritten = [&] {
    auto before = l2.stats();
    CHECK(l2.get(key_of(7)) == nullptr);
    auto after = l2.stats();
    CHECK(after.corrupt == before.corrupt + 1);
    CHECK(after.misses == before.misses + 1);
    // Removed, so the next lookup is a plain miss.
    CHECK(l2.get(key_of(7)) == nullptr);
    CHECK(l2.stats().corrupt == after.corrupt);
    REQUIRE_FALSE(l2.put(key_of(7), payload));
    auto hit = l2.get(key_of(7));
    REQUIRE(hit);
    CHECK(*hit == payload);
  };
  SECTION("zero-length") {
    write_file(path, "");
    expect_corrupt_then_rewritten();
  }
  SECTION("truncated in the payload") {
    write_file(path, good.substr(0, good.size() / 2));
    expect_corrupt_then_rewritten();
  }
  SECTION("truncated in the header") {
    write_file(path, good.substr(0, 20));
    expect_corrupt_then_rewritten();
  }
  SECTION("trailing garbage") {
    write_file(path, good + "x");
    expect_corrupt_then_rewritten();
  }
  SECTION("foreign file") {
    write_file(path, "this is not a troupe cache record, but long enough for "
                     "a header and then some more bytes");
    expect_corrupt_then_rewritten();
  }
  SECTION("a record of another key under this name") {
    REQUIRE_FALSE(l2.put(key_of(8), payload));
    write_file(path, read_file(l2.record_path(key_of(8))));
    expect_corrupt_then_rewritten();
  }
  SECTION("one flipped bit anywhere") {
    // magic, version, header size, key, length, checksum, payload start,
    // payload end.
    auto offset = GENERATE(0, 9, 13, 20, 33, 41, 48, 3047);
    CAPTURE(offset);
    auto bad = good;
    bad[static_cast<std::size_t>(offset)] ^= 0x10;
    write_file(path, bad);
    expect_corrupt_then_rewritten();
  }
}

TEST_CASE("l2 verify reports and removes damaged records") {
  scratch_dir dir;
  l2_store l2{options_for(dir)};
  REQUIRE_FALSE(l2.open());
  for (int i = 0; i < 5; ++i)
    REQUIRE_FALSE(l2.put(key_of(i), make_payload(std::to_string(i), 0, 100)));
  write_file(l2.record_path(key_of(1)), "");
  auto p3 = l2.record_path(key_of(3));
  auto bytes = read_file(p3);
  bytes[60] ^= 1;
  write_file(p3, bytes);
  // A stray record-like file with a malformed name is reported too.
  write_file(dir / "cache/00/not-a-key.rec", "x");
  auto report = l2.verify(false);
  CHECK(report.records == 6);
  CHECK(report.intact == 3);
  REQUIRE(report.bad.size() == 3);
  CHECK(report.removed == 0);
  std::vector<std::string> reasons;
  for (auto& b : report.bad)
    reasons.push_back(b.reason);
  std::sort(reasons.begin(), reasons.end());
  CHECK(reasons == std::vector<std::string>{"bad name", "checksum mismatch",
                                            "empty"});
  report = l2.verify(true);
  CHECK(report.removed == 3);
  report = l2.verify(false);
  CHECK(report.records == 3);
  CHECK(report.bad.empty());
  CHECK(l2.stats().entries == 3);
}

TEST_CASE("l2 clear empties the folder") {
  scratch_dir dir;
  l2_store l2{options_for(dir)};
  REQUIRE_FALSE(l2.open());
  for (int i = 0; i < 20; ++i)
    REQUIRE_FALSE(l2.put(key_of(i), "v"));
  write_file(dir / "cache/README", "not ours: left alone");
  REQUIRE_FALSE(l2.clear());
  CHECK(l2.stats().entries == 0);
  CHECK(l2.stats().bytes == 0);
  CHECK(l2.verify(false).records == 0);
  CHECK(read_file(dir / "cache/README") == "not ours: left alone");
  for (int i = 0; i < 20; ++i)
    CHECK(l2.get(key_of(i)) == nullptr);
}

TEST_CASE("l2 instances sharing a folder see each other's records") {
  scratch_dir dir;
  l2_store a{options_for(dir)};
  l2_store b{options_for(dir)};
  REQUIRE_FALSE(a.open());
  REQUIRE_FALSE(b.open());
  REQUIRE_FALSE(a.put(key_of(1), "from a"));
  REQUIRE(b.get(key_of(1)));
  CHECK(*b.get(key_of(1)) == "from a");
  CHECK(b.stats().entries == 1); // learned on the hit
  // Records vanishing under b (evicted or cleared by a) are just misses.
  REQUIRE_FALSE(a.clear());
  CHECK(b.get(key_of(1)) == nullptr);
  CHECK(b.stats().entries == 0);
  CHECK(b.stats().corrupt == 0);
}

TEST_CASE("l2 group commit publishes a batch at once, and on destruction") {
  scratch_dir dir;
  auto opts = options_for(dir);
  opts.commit_batch = 3;
  l2_options reader_opts = options_for(dir);
  {
    l2_store writer{opts};
    REQUIRE_FALSE(writer.open());
    REQUIRE_FALSE(writer.put(key_of(1), make_payload("one", 1, 100)));
    REQUIRE_FALSE(writer.put(key_of(2), make_payload("two", 1, 100)));
    {
      // Queued records are still temporary files: invisible to readers.
      l2_store reader{reader_opts};
      REQUIRE_FALSE(reader.open());
      CHECK(reader.get(key_of(1)) == nullptr);
      CHECK(temp_files(opts.directory).size() == 2);
    }
    // The third put fills the batch: all three are renamed into place.
    REQUIRE_FALSE(writer.put(key_of(3), make_payload("three", 1, 100)));
    CHECK(writer.stats().writes == 3);
    CHECK(temp_files(opts.directory).empty());
    REQUIRE_FALSE(writer.put(key_of(4), make_payload("four", 1, 100)));
    CHECK(writer.stats().writes == 3);
  }
  // The destructor committed the last, partial batch.
  l2_store reader{reader_opts};
  REQUIRE_FALSE(reader.open());
  for (int i = 1; i <= 4; ++i) {
    INFO("record " << i);
    CHECK(reader.get(key_of(i)) != nullptr);
  }
  CHECK(is_payload_of("four", *reader.get(key_of(4))));
  CHECK(temp_files(opts.directory).empty());
}

TEST_CASE("l2 open reads the saved record index instead of listing the folder") {
  scratch_dir dir;
  auto indexed = options_for(dir);
  indexed.index_max_age = std::chrono::hours(1);
  {
    l2_store a{indexed};
    REQUIRE_FALSE(a.open()); // nothing saved yet: lists the folder
    for (int i = 1; i <= 3; ++i)
      REQUIRE_FALSE(a.put(key_of(i), make_payload("rec", i, 1000)));
    REQUIRE(a.get(key_of(1))); // key 1 becomes the most recently used
    REQUIRE_FALSE(a.commit()); // saves the index
  }
  {
    // Written by a store that keeps no index: the index does not know it.
    l2_store b{options_for(dir)};
    REQUIRE_FALSE(b.open());
    CHECK(b.stats().entries == 3);
    REQUIRE_FALSE(b.put(key_of(4), make_payload("rec", 4, 1000)));
  }
  {
    l2_store c{indexed};
    REQUIRE_FALSE(c.open());
    CHECK(c.stats().entries == 3); // from the index
    auto from_index = c.stats().bytes;
    // Reads never depend on the index; a hit indexes the record.
    REQUIRE(c.get(key_of(4)));
    CHECK(c.stats().entries == 4);
    CHECK(c.stats().bytes > from_index);
    // The saved recency (4, 1, 3, 2; a listing would order by mtime: 1, 2,
    // 3, 4): a fifth record under a bound of three and a half evicts the
    // two used least, 2 and 3.
    auto record_bytes = c.stats().bytes / 4;
    REQUIRE_FALSE(c.commit());
    l2_options bounded = indexed;
    bounded.max_bytes = 3 * record_bytes + record_bytes / 2;
    l2_store d{bounded};
    REQUIRE_FALSE(d.open());
    REQUIRE_FALSE(d.put(key_of(5), make_payload("rec", 5, 1000)));
    CHECK(d.get(key_of(2)) == nullptr);
    CHECK(d.get(key_of(3)) == nullptr);
    CHECK(d.get(key_of(1)) != nullptr);
    CHECK(d.get(key_of(4)) != nullptr);
  }
}

TEST_CASE("l2 lists the folder when the saved index is damaged, old or dropped") {
  scratch_dir dir;
  auto indexed = options_for(dir);
  indexed.index_max_age = std::chrono::hours(1);
  std::string index_file = indexed.directory + "/index";
  {
    l2_store a{indexed};
    REQUIRE_FALSE(a.open());
    REQUIRE_FALSE(a.put(key_of(1), make_payload("rec", 1, 1000)));
    REQUIRE_FALSE(a.commit());
  }
  {
    l2_store b{options_for(dir)}; // keeps no index
    REQUIRE_FALSE(b.open());
    REQUIRE_FALSE(b.put(key_of(2), make_payload("rec", 2, 1000)));
  }
  SECTION("a flipped byte fails the index checksum") {
    auto text = read_file(index_file);
    REQUIRE(text.size() > 40);
    text[35] = static_cast<char>(text[35] ^ 0x10);
    write_file(index_file, text);
  }
  SECTION("a listing older than index_max_age") {
    indexed.index_max_age = std::chrono::seconds(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  }
  SECTION("troupe cache clear / gc / verify drop it") {
    l2_store m{options_for(dir)};
    REQUIRE_FALSE(m.open());
    (void) m.gc(1ull << 30);
    CHECK(!std::ifstream{index_file});
  }
  l2_store c{indexed};
  REQUIRE_FALSE(c.open());
  CHECK(c.stats().entries == 2); // listed: both records
}
