// Reading a profile is bounded: a device, a FIFO or a file larger than the
// limit is refused before it is read, a file that grows while it is read is
// cut off at the limit, and a file `extends:` names that is not a profile is
// refused without quoting it.
#include "troupe/config/profile_loader.hpp"

#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "temp_profiles.hpp"

using namespace troupe::config;
using troupe::config::test::only_error;
using troupe::config::test::temp_profiles;

namespace {

/// Peak resident memory of this process so far, in bytes.
std::uint64_t peak_rss() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

} // namespace

TEST_CASE("a device is refused as a profile without being read") {
  // /dev/zero is read-only input here, never an output.
  auto before = std::chrono::steady_clock::now();
  auto e = only_error(profile_loader{}.load_file("/dev/zero"));
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(1));
  CHECK(e.file == "/dev/zero");
  CHECK_THAT(e.message, Catch::Contains("is a device, not a profile file"));
  CHECK(peak_rss() < (512ull << 20));
}

TEST_CASE("a FIFO is refused as a profile without waiting for a writer") {
  temp_profiles t;
  auto fifo = t.dir() / "profile.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto e = only_error(profile_loader{}.load_file(fifo));
  CHECK_THAT(e.message, Catch::Contains("is a FIFO"));
}

TEST_CASE("a profile file over the size limit is refused from its size") {
  temp_profiles t;
  auto path = t.write("huge.yaml", "");
  REQUIRE(::truncate(path.c_str(), 3ll << 30) == 0); // sparse: 3 GiB, no disk used
  auto e = only_error(profile_loader{}.load_file(path));
  CHECK_THAT(e.message, Catch::Contains("profile is too large (3221225472 bytes, at most 1048576)"));
  CHECK(peak_rss() < (512ull << 20));
}

TEST_CASE("a file that `extends:` names but is not a profile is refused without quoting it") {
  temp_profiles t;
  const std::string secret =
    "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "user:x:1000:1000:secret-text:/home/user:/bin/bash\n";
  t.write("passwd", secret);
  t.write("list.yaml", "- secret-item\n- another\n");
  t.write("keys.yaml", "secret-key: 1\ncache:\n  ttl: 1h\n");
  t.write("broken.yaml", "cache: [secret-value\n");
  for (const char* target : {"passwd", "list.yaml", "keys.yaml", "broken.yaml"}) {
    INFO(target);
    auto child = t.write("child.yaml", std::string{"extends: ./"} + target + "\n");
    auto e = only_error(profile_loader{}.load_file(child));
    CHECK(e.file == child.string());
    CHECK(e.line == 1);
    CHECK(e.key_path == "extends");
    CHECK_THAT(e.message, Catch::Contains("is not a troupe profile"));
    CHECK_THAT(e.message, !Catch::Contains("secret") && !Catch::Contains("root:x"));
  }
  // Named directly, the error quotes at most the first 60 bytes of it.
  auto direct = only_error(profile_loader{}.load_file(t.dir() / "passwd"));
  CHECK_THAT(direct.message, Catch::Contains("must be a mapping"));
  CHECK_THAT(direct.message, !Catch::Contains("secret-text"));
}

TEST_CASE("a parent profile with a bad value still gets its precise error") {
  temp_profiles t;
  t.write("parent.yaml", "cache:\n  ttl: soon\n");
  auto child = t.write("child.yaml", "extends: parent\n");
  auto e = only_error(profile_loader{}.load_file(child));
  CHECK(e.key_path == "cache.ttl");
  CHECK(e.line == 2);
}

TEST_CASE("a file's parse budget must end before its task's time does") {
  auto result = profile_loader{}.load_string("agents:\n  task_timeout: 5s\n  file_timeout: 5s\n",
                                             "budget.yaml");
  auto e = only_error(result);
  CHECK(e.key_path == "agents.file_timeout");
  CHECK(e.line == 3);
  CHECK_THAT(e.message, Catch::Contains("must be less than agents.task_timeout (5s)"));
  auto defaulted = only_error(profile_loader{}.load_string("agents:\n  task_timeout: 4s\n"));
  CHECK(defaulted.line == 2);
  CHECK_THAT(defaulted.message, Catch::Contains("(10s, the default) must be less than")
                                  && Catch::Contains("set agents.file_timeout lower"));
  auto ok = profile_loader{}.load_string("agents:\n  file_timeout: 2s\n  file_memory: 64MiB\n");
  REQUIRE(ok.ok());
  CHECK(ok.value->agents.file_timeout == std::chrono::seconds(2));
  CHECK(ok.value->agents.file_memory == (64ull << 20));
}
