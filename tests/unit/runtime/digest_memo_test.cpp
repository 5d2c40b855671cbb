// The digest memo (a stat cache): a remembered digest comes back only for
// the same file identity and root; files changed just before they were read
// are not remembered; a damaged or foreign memo file is ignored.
#include "troupe/analysis/internal/digest_memo.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace fs = std::filesystem;
using troupe::source_file;
using troupe::cache::content_digest;
using troupe::detail::digest_memo;

namespace {

constexpr std::int64_t second = 1'000'000'000;

source_file file(const std::string& path, std::int64_t changed_ns) {
  return {path, 100, 7, 42, changed_ns, changed_ns};
}

} // namespace

TEST_CASE("the digest memo answers for unchanged identities only", "[digest_memo]") {
  auto dir = fs::temp_directory_path() / ("troupe-digests-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto path = (dir / "digests").string();
  std::int64_t now = 1'700'000'000 * second;
  auto a = file("pkg/a.py", now - 60 * second);
  auto b = file("pkg/b.py", now - 60 * second);
  auto fresh = file("pkg/fresh.py", now - second / 2); // changed just before the read

  auto memo = digest_memo::load(path, "/root"); // no file yet: empty
  CHECK(memo.size() == 0);
  memo.remember(a, content_digest("a"), now);
  memo.remember(b, content_digest("b"), now);
  memo.remember(fresh, content_digest("fresh"), now);
  CHECK(memo.size() == 2);
  CHECK(memo.keep_only({a, b, fresh}));
  REQUIRE(memo.save(path));

  auto again = digest_memo::load(path, "/root");
  REQUIRE(again.size() == 2);
  CHECK(again.find(a) == content_digest("a"));
  CHECK(again.find(b) == content_digest("b"));
  CHECK_FALSE(again.find(fresh));
  // Any part of the identity changed: not answered.
  auto touched = a;
  touched.ctime_ns += 1;
  CHECK_FALSE(again.find(touched));
  auto resized = a;
  resized.bytes += 1;
  CHECK_FALSE(again.find(resized));
  auto copied = a;
  copied.inode += 1;
  CHECK_FALSE(again.find(copied));
  // Remembering what it holds changes nothing; a file gone is dropped.
  again.remember(a, content_digest("a"), now);
  CHECK_FALSE(again.keep_only({a, b}));
  CHECK(again.keep_only({a}));
  CHECK(again.size() == 1);

  // Another root, a damaged file, a foreign file: empty.
  CHECK(digest_memo::load(path, "/elsewhere").size() == 0);
  {
    std::fstream f{path, std::ios::in | std::ios::out | std::ios::binary};
    f.seekp(20);
    f.put('\x7f');
  }
  CHECK(digest_memo::load(path, "/root").size() == 0);
  std::ofstream{path, std::ios::trunc} << "not a memo";
  CHECK(digest_memo::load(path, "/root").size() == 0);
  fs::remove_all(dir);
}
