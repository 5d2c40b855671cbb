// A cache whose record files were replaced by folders (or symlinks, or a
// fan-out folder by a file) heals: a lookup removes what stands in the
// record's place and counts it as corrupt, a write renames over it, verify
// reports it and --remove removes it, clear clears it, and a write that
// fails at commit is counted by the tier the run reports.
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/tiered_cache.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>

#include "test_support.hpp"

using namespace troupe::cache;
using namespace troupe::cache::test;
namespace fs = std::filesystem;

namespace {

l2_options options_for(const scratch_dir& dir) {
  l2_options opts;
  opts.directory = dir / "cache";
  return opts;
}

/// Replaces the record file at `path` by a folder holding a file.
void folder_in_place_of(const std::string& path) {
  fs::remove(path);
  fs::create_directories(path + "/inside");
  write_file(path + "/inside/file", "x");
}

} // namespace

TEST_CASE("l2 heals a record whose file was replaced by a folder") {
  scratch_dir dir;
  auto batch = GENERATE(0u, 4u); // immediate renames, and group commit
  CAPTURE(batch);
  auto opts = options_for(dir);
  opts.commit_batch = batch;
  l2_store l2{opts};
  REQUIRE_FALSE(l2.open());
  auto payload = make_payload("healed", 1, 500);
  REQUIRE_FALSE(l2.put(key_of(1), payload));
  REQUIRE_FALSE(l2.commit());
  auto path = l2.record_path(key_of(1));
  folder_in_place_of(path);

  SECTION("a lookup removes it") {
    CHECK(l2.get(key_of(1)) == nullptr);
    CHECK(l2.stats().corrupt == 1);
    CHECK_FALSE(fs::exists(path));
  }
  SECTION("a write renames over it") {
    REQUIRE_FALSE(l2.put(key_of(1), payload));
    REQUIRE_FALSE(l2.commit());
    CHECK(l2.stats().write_errors == 0);
  }
  auto hit_after = [&] {
    REQUIRE_FALSE(l2.put(key_of(1), payload));
    REQUIRE_FALSE(l2.commit());
    auto hit = l2.get(key_of(1));
    REQUIRE(hit);
    CHECK(*hit == payload);
    CHECK(fs::is_regular_file(path));
  };
  hit_after();
}

TEST_CASE("l2 heals a symlink at a record and a file at a fan-out folder") {
  scratch_dir dir;
  l2_store l2{options_for(dir)};
  REQUIRE_FALSE(l2.open());
  auto payload = make_payload("linked", 2, 300);
  REQUIRE_FALSE(l2.put(key_of(2), payload));
  auto path = l2.record_path(key_of(2));
  auto target = dir / "elsewhere";
  write_file(target, read_file(path));
  fs::remove(path);
  fs::create_symlink(target, path);
  CHECK(l2.get(key_of(2)) == nullptr); // never read through a link
  CHECK(l2.stats().corrupt == 1);
  CHECK_FALSE(fs::is_symlink(path));
  CHECK(fs::exists(target)); // what the link pointed to is not touched
  REQUIRE_FALSE(l2.put(key_of(2), payload));
  CHECK(l2.get(key_of(2)) != nullptr);

  auto fanout = path.substr(0, path.rfind('/'));
  fs::remove_all(fanout);
  write_file(fanout, "a file where the fan-out folder was");
  REQUIRE_FALSE(l2.put(key_of(2), payload));
  CHECK(fs::is_directory(fanout));
  CHECK(l2.get(key_of(2)) != nullptr);
}

TEST_CASE("l2 open, verify and clear see folders in records' places") {
  scratch_dir dir;
  auto opts = options_for(dir);
  opts.index_max_age = std::chrono::seconds{0}; // list the folder at open
  {
    l2_store l2{opts};
    REQUIRE_FALSE(l2.open());
    for (int i = 0; i < 4; ++i)
      REQUIRE_FALSE(l2.put(key_of(i), make_payload(std::to_string(i), 0, 100)));
    folder_in_place_of(l2.record_path(key_of(0)));
    folder_in_place_of(l2.record_path(key_of(1)));
    auto report = l2.verify(false);
    CHECK(report.records == 4);
    CHECK(report.intact == 2);
    REQUIRE(report.bad.size() == 2);
    CHECK(report.bad[0].reason == "not a regular file");
    report = l2.verify(true);
    CHECK(report.removed == 2);
    CHECK_FALSE(fs::exists(l2.record_path(key_of(0))));
    CHECK(l2.verify(false).bad.empty());

    folder_in_place_of(l2.record_path(key_of(2)));
    REQUIRE_FALSE(l2.clear());
    CHECK_FALSE(fs::exists(l2.record_path(key_of(2))));
    CHECK_FALSE(fs::exists(l2.record_path(key_of(3))));
    CHECK(l2.verify(false).records == 0);
  }
  // A new process listing the folder removes them at open.
  {
    l2_store l2{opts};
    REQUIRE_FALSE(l2.open());
    REQUIRE_FALSE(l2.put(key_of(5), "v"));
    folder_in_place_of(l2.record_path(key_of(5)));
  }
  l2_store reopened{opts};
  REQUIRE_FALSE(reopened.open());
  CHECK(reopened.stats().corrupt == 1);
  CHECK(reopened.stats().entries == 0);
  CHECK_FALSE(fs::exists(reopened.record_path(key_of(5))));
}

TEST_CASE("a record write that fails at commit counts as a write error of the tier") {
  scratch_dir dir;
  auto opts = options_for(dir);
  opts.commit_batch = 100; // queued: the put itself succeeds
  opts.fault_hook = [](l2_write_step step) { return step == l2_write_step::rename ? EIO : 0; };
  auto l2 = std::make_shared<l2_store>(opts);
  REQUIRE_FALSE(l2->open());
  tiered_cache cache{std::make_shared<l1_store>(), l2};
  REQUIRE_FALSE(cache.put(key_of(1), "agent", make_value("record")));
  CHECK(l2->commit());
  CHECK(l2->stats().write_errors == 1);
  CHECK(cache.stats().tiers[static_cast<std::size_t>(cache_tier::l2)].write_errors == 1);
}
