// `extends:` resolution: overrides, names and paths, errors, cycles, depth.
#include "troupe/config/profile_loader.hpp"

#include <catch2/catch.hpp>

#include "temp_profiles.hpp"

using namespace troupe::config;
using namespace std::chrono_literals;
using troupe::config::test::only_error;
using troupe::config::test::temp_profiles;

TEST_CASE("a child overrides its parent and inherits the rest") {
  temp_profiles t;
  t.write("base.yaml",
          "description: base\ncache:\n  l1_size: 64MiB\n  ttl: 5m\n"
          "parallel:\n  workers: 4\n");
  t.write("child.yaml", "extends: base\ncache:\n  ttl: 2h\n"
                        "parallel:\n  worker_type: process\n");
  profile_loader loader{{{t.dir()}}};
  auto result = loader.load("child");
  REQUIRE(result.ok());
  const auto& s = *result.value;
  CHECK(s.profile == "child");
  CHECK(s.description == "base");     // inherited
  CHECK(s.cache.l1_size == 64u << 20); // inherited
  CHECK(s.cache.ttl == 2h);            // overridden
  CHECK(s.parallel.workers == 4u);
  CHECK(s.parallel.type == worker_type::process);
  CHECK(s.agents.max_retries == 3u); // settings.hpp default
}

TEST_CASE("extends takes a path relative to the extending file") {
  temp_profiles t;
  std::filesystem::create_directories(t.dir() / "shared");
  t.write("shared/base.yaml", "tuner:\n  enabled: true\n");
  auto child = t.write("child.yaml", "extends: shared/base.yaml\n"
                                     "tuner:\n  interval: 1s\n");
  auto result = profile_loader{}.load_file(child);
  REQUIRE(result.ok());
  CHECK(result.value->tuner.enabled);
  CHECK(result.value->tuner.interval == 1s);
  CHECK(result.value->profile == child.string());
}

TEST_CASE("a name is looked up beside the file, then in the search dirs") {
  temp_profiles search;
  temp_profiles local;
  search.write("base.yaml", "network:\n  pool_size: 2\n");
  auto child = local.write("child.yaml", "extends: base\n");
  profile_loader loader{{{search.dir()}}};
  auto from_search = loader.load_file(child);
  REQUIRE(from_search.ok());
  CHECK(from_search.value->network.pool_size == 2u);
  local.write("base.yaml", "network:\n  pool_size: 3\n");
  auto from_beside = loader.load_file(child);
  REQUIRE(from_beside.ok());
  CHECK(from_beside.value->network.pool_size == 3u);
}

TEST_CASE("a missing parent is reported at the extends value") {
  temp_profiles t;
  auto child = t.write("child.yaml", "# child\nextends: nowhere\n");
  auto e = only_error(profile_loader{}.load_file(child));
  CHECK(e.file == child.string());
  CHECK(e.line == 2);
  CHECK(e.column == 10);
  CHECK(e.key_path == "extends");
  CHECK_THAT(e.message, Catch::Contains("profile 'nowhere' not found")
                          && Catch::Contains("nowhere.yaml"));
}

TEST_CASE("errors in a parent name the parent file") {
  temp_profiles t;
  t.write("base.yaml", "parallel:\n  workers: many\n");
  auto child = t.write("child.yaml", "extends: base\ntuner:\n  enabled: maybe\n");
  auto result = profile_loader{}.load_file(child);
  REQUIRE(result.errors.size() == 2);
  CHECK(result.errors[0].file == (t.dir() / "base.yaml").string());
  CHECK(result.errors[0].line == 2);
  CHECK(result.errors[0].key_path == "parallel.workers");
  CHECK(result.errors[1].file == child.string());
  CHECK(result.errors[1].line == 3);
  CHECK(result.errors[1].key_path == "tuner.enabled");
}

TEST_CASE("an extends cycle is reported where it closes") {
  temp_profiles t;
  auto a = t.write("a.yaml", "extends: b\n");
  auto b = t.write("b.yaml", "description: b\nextends: a\n");
  auto e = only_error(profile_loader{}.load_file(a));
  CHECK(e.file == b.string());
  CHECK(e.line == 2);
  CHECK(e.column == 10);
  CHECK(e.key_path == "extends");
  CHECK(e.message == "'extends' cycle: " + a.string() + " -> " + b.string()
                       + " -> " + a.string());

  auto self = t.write("self.yaml", "extends: ./self.yaml\n");
  auto s = only_error(profile_loader{}.load_file(self));
  CHECK_THAT(s.message, Catch::Contains("'extends' cycle"));
}

TEST_CASE("an extends chain longer than the limit is refused") {
  temp_profiles t;
  t.write("p0.yaml", "tuner:\n  enabled: true\n");
  for (int i = 1; i <= 4; ++i)
    t.write("p" + std::to_string(i) + ".yaml",
            "extends: p" + std::to_string(i - 1) + "\n");
  loader_options options{{t.dir()}};
  options.max_extends_depth = 4;
  CHECK(profile_loader{options}.load("p3").ok());
  auto e = only_error(profile_loader{options}.load("p4"));
  CHECK(e.file == (t.dir() / "p1.yaml").string());
  CHECK(e.key_path == "extends");
  CHECK_THAT(e.message, Catch::Contains("longer than 4 profiles"));
}

TEST_CASE("extends must be a string") {
  auto e = only_error(
    profile_loader{}.load_string("extends:\n  name: base\n", "x.yaml"));
  CHECK(e.line == 2);
  CHECK(e.column == 3);
  CHECK(e.key_path == "extends");
  CHECK_THAT(e.message, Catch::Contains("expected a profile name or a relative path"));
}
