// Replacing an output file: the new content whole, a large replaced file
// kept as the next write's temporary file and overwritten in place (shorter
// or longer content), a small one deleted.
#include "internal/atomic_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using troupe::detail::spare_min_bytes;
using troupe::detail::write_file_atomically;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool write(const fs::path& path, const std::string& text) {
  return write_file_atomically(path.string(), [&](std::ostream& out) { out << text; });
}

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

} // namespace

TEST_CASE("a replaced large file is the next write's temporary file", "[atomic_file]") {
  auto dir = fs::temp_directory_path() / ("troupe-atomic-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto path = dir / "sub" / "report.json";
  auto spare = fs::path{path.string() + ".tmp"};
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
  CHECK_FALSE(write(dir / "sub" / "report.json" / "below-a-file", "y"));
  CHECK(read_file(path) == "x");
  fs::remove_all(dir);
}
