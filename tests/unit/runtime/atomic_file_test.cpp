// Replacing output files: the new content whole, a large replaced file kept
// as the next write's spare and overwritten in place (shorter or longer
// content), a small one deleted; temporary files of this process only; a set
// of outputs replaced together or not at all.
#include "troupe/reports/internal/atomic_file.hpp"
#include "troupe/reports/internal/report_set.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using troupe::detail::output_item;
using troupe::detail::output_target;
using troupe::detail::resolve_output;
using troupe::detail::spare_min_bytes;
using troupe::detail::write_file_atomically;
using troupe::detail::write_output_set;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool write(const fs::path& path, const std::string& text) {
  auto err = write_file_atomically(path.string(), [&](std::ostream& out) { out << text; });
  if (err)
    CHECK(err.code() == troupe::errc::unwritable_output);
  return !err;
}

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

struct scratch {
  fs::path dir;
  explicit scratch(const std::string& name)
    : dir(fs::temp_directory_path() / ("troupe-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  /// Names in the folder besides `keep`.
  std::vector<std::string> others(std::initializer_list<std::string> keep) const {
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator{dir}) {
      auto name = e.path().filename().string();
      if (std::find(keep.begin(), keep.end(), name) == keep.end())
        names.push_back(name);
    }
    return names;
  }
};

output_item item(const fs::path& path, const std::string& text) {
  output_item out;
  REQUIRE_FALSE(resolve_output(path.string(), out.target));
  out.render = [text](std::ostream& os) { os << text; };
  return out;
}

} // namespace

TEST_CASE("a replaced large file is the next write's spare", "[atomic_file]") {
  scratch s{"atomic"};
  auto path = s.dir / "sub" / "report.json";
  auto spare = path.parent_path() / ".report.json.spare";
  std::string big(spare_min_bytes + 4096, 'a');
  std::string bigger(spare_min_bytes + 9000, 'b');

  REQUIRE(write(path, big)); // creates the folders
  CHECK(read_file(path) == big);
  CHECK_FALSE(fs::exists(spare));

  REQUIRE(write(path, "small"));
  CHECK(read_file(path) == "small");
  REQUIRE(fs::exists(spare)); // the large old one, kept
  CHECK(read_file(spare) == big);
  auto spare_inode = inode_of(spare);

  // Longer content than the spare holds: overwritten in place and grown.
  REQUIRE(write(path, bigger));
  CHECK(read_file(path) == bigger);
  CHECK(inode_of(path) == spare_inode);
  CHECK_FALSE(fs::exists(spare)); // the replaced one was small: deleted

  REQUIRE(write(path, big));
  CHECK(read_file(path) == big);
  CHECK(read_file(spare) == bigger);
  // Shorter content into the longer spare: cut to its length.
  REQUIRE(write(path, "x"));
  CHECK(read_file(path) == "x");
  CHECK(read_file(spare) == big);

  // An unwritable place: false, nothing replaced.
  CHECK_FALSE(write(s.dir / "sub" / "report.json" / "below-a-file", "y"));
  CHECK(read_file(path) == "x");
}

TEST_CASE("temporary files are the writer's own and none is left behind", "[atomic_file]") {
  scratch s{"atomic-temp"};
  auto path = s.dir / "report.json";
  // What another writer may have left: the old fixed name, unwritable.
  fs::create_directories(s.dir / "report.json.tmp" / "x");
  REQUIRE(write(path, "one"));
  REQUIRE(write(path, "two"));
  CHECK(read_file(path) == "two");
  CHECK(s.others({"report.json", "report.json.tmp"}).empty());
}

TEST_CASE("a symlink is followed and a dangling one creates its target", "[atomic_file]") {
  scratch s{"atomic-link"};
  fs::create_directories(s.dir / "real");
  fs::create_symlink("real/r.json", s.dir / "link.json");
  REQUIRE(write(s.dir / "link.json", "first"));
  CHECK(fs::is_symlink(s.dir / "link.json"));
  CHECK(read_file(s.dir / "real" / "r.json") == "first");
  REQUIRE(write(s.dir / "link.json", "second"));
  CHECK(fs::is_symlink(s.dir / "link.json"));
  CHECK(read_file(s.dir / "real" / "r.json") == "second");
  fs::create_symlink("loop-b", s.dir / "loop-a");
  fs::create_symlink("loop-a", s.dir / "loop-b");
  output_target t;
  CHECK(resolve_output((s.dir / "loop-a").string(), t).message()
        == "too many levels of symbolic links");
}

TEST_CASE("a set of outputs is replaced together or not at all", "[atomic_file]") {
  scratch s{"atomic-set"};
  auto a = s.dir / "a.md";
  auto b = s.dir / "b.html";
  auto c = s.dir / "sub" / "c.json";
  REQUIRE_FALSE(write_output_set({item(a, "a1"), item(b, "b1"), item(c, "c1")}));
  CHECK(read_file(a) == "a1");
  CHECK(read_file(c) == "c1");

  SECTION("a render that fails replaces nothing") {
    auto items = std::vector<output_item>{item(a, "a2"), item(b, "b2"), item(c, "c2")};
    items[2].render = [](std::ostream& os) {
      os << "partial";
      throw std::runtime_error("renderer broke");
    };
    CHECK(write_output_set(std::move(items)));
    CHECK(read_file(a) == "a1");
    CHECK(read_file(b) == "b1");
    CHECK(read_file(c) == "c1");
  }
  SECTION("a folder that goes away before its file is written replaces nothing") {
    auto items = std::vector<output_item>{item(a, "a2"), item(b, "b2"), item(c, "c2")};
    items[1].render = [&](std::ostream& os) {
      os << "b2";
      fs::remove_all(s.dir / "sub");
    };
    auto err = write_output_set(std::move(items));
    CHECK(err.code() == troupe::errc::unwritable_output);
    CHECK_THAT(err.message(), Catch::Contains("c.json"));
    CHECK(read_file(a) == "a1");
    CHECK(read_file(b) == "b1");
  }
  SECTION("committed files are put back by a roll-back") {
    // What write_output_set does when a later swap fails.
    troupe::detail::staged_output first{item(a, "").target};
    troupe::detail::staged_output second{item(s.dir / "new.txt", "").target};
    REQUIRE_FALSE(first.write([](std::ostream& os) { os << "a2"; }));
    REQUIRE_FALSE(second.write([](std::ostream& os) { os << "n2"; }));
    REQUIRE_FALSE(first.commit());
    REQUIRE_FALSE(second.commit());
    CHECK(read_file(a) == "a2");
    CHECK(read_file(s.dir / "new.txt") == "n2");
    first.roll_back();
    second.roll_back();
    CHECK(read_file(a) == "a1");
    CHECK_FALSE(fs::exists(s.dir / "new.txt"));
  }
  CHECK(s.others({"a.md", "b.html", "sub"}).empty());
}
