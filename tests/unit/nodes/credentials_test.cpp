// Where the token comes from, and the checks on the token file.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "troupe/cache/cache_dir.hpp"
#include "troupe/nodes/join_credentials.hpp"

using namespace troupe;
namespace fs = std::filesystem;

namespace {

struct temp_folder {
  fs::path path;
  temp_folder() {
    char tmpl[] = "/tmp/troupe-token-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_folder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

/// Sets an environment variable for one scope.
struct scoped_env {
  std::string name;
  std::string old;
  bool had = false;
  scoped_env(std::string n, const char* value) : name(std::move(n)) {
    if (const char* v = std::getenv(name.c_str())) {
      had = true;
      old = v;
    }
    if (value)
      setenv(name.c_str(), value, 1);
    else
      unsetenv(name.c_str());
  }
  ~scoped_env() {
    if (had)
      setenv(name.c_str(), old.c_str(), 1);
    else
      unsetenv(name.c_str());
  }
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

} // namespace

TEST_CASE("a given token wins, then TROUPE_TOKEN, then the token file", "[nodes][token]") {
  temp_folder dir;
  auto file = (dir.path / "node-token").string();
  {
    scoped_env env{"TROUPE_TOKEN", "from-env"};
    auto t = nodes::resolve_token("given", file);
    REQUIRE(t);
    CHECK(*t == "given");
    t = nodes::resolve_token("", file);
    REQUIRE(t);
    CHECK(*t == "from-env");
    CHECK_FALSE(fs::exists(file));
  }
  scoped_env env{"TROUPE_TOKEN", nullptr};
  auto first = nodes::resolve_token("", file);
  REQUIRE(first);
  CHECK(first->size() == 64);
  CHECK(mode_of(file) == 0600);
  auto second = nodes::resolve_token("", file);
  REQUIRE(second);
  CHECK(*second == *first); // the same token for every process of the user
}

TEST_CASE("the default token file lives in the default cache folder", "[nodes][token]") {
  temp_folder dir;
  scoped_env cache{"TROUPE_CACHE_DIR", (dir.path / "c").c_str()};
  scoped_env env{"TROUPE_TOKEN", nullptr};
  CHECK(nodes::default_token_file() == (dir.path / "c" / "node-token").string());
  auto t = nodes::resolve_token("");
  REQUIRE(t);
  CHECK(fs::exists(dir.path / "c" / "node-token"));
}

TEST_CASE("a token file other users can read, or an empty one, is refused", "[nodes][token]") {
  temp_folder dir;
  scoped_env env{"TROUPE_TOKEN", nullptr};
  auto file = dir.path / "node-token";
  {
    std::ofstream out{file};
    out << "abc\n";
  }
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read
                          | fs::perms::others_read);
  auto t = nodes::resolve_token("", file.string());
  REQUIRE_FALSE(t);
  CHECK(t.error().code() == errc::invalid_config);
  CHECK(t.error().message().find(file.string()) != std::string::npos);
  CHECK(t.error().message().find("0644") != std::string::npos);
  CHECK(t.error().message().find("chmod 600") != std::string::npos);

  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  t = nodes::resolve_token("", file.string());
  REQUIRE(t);
  CHECK(*t == "abc");

  { std::ofstream out{file, std::ios::trunc}; }
  t = nodes::resolve_token("", file.string());
  REQUIRE_FALSE(t);
  CHECK(t.error().message().find("is empty") != std::string::npos);
}
