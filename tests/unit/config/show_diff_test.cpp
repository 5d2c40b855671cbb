// `troupe config show` and `troupe config diff` output.
#include "troupe/config/profile_loader.hpp"
#include "troupe/config/settings_diff.hpp"
#include "troupe/config/settings_yaml.hpp"

#include <catch2/catch.hpp>

#include "shipped_profiles.hpp"

using namespace troupe::config;
using troupe::config::test::shipped_loader;
using troupe::config::test::shipped_names;

TEST_CASE("show renders every key, resolved, with units") {
  auto balanced = shipped_loader().load("balanced");
  REQUIRE(balanced.ok());
  CHECK(to_yaml(*balanced.value)
        == "# profile: balanced\n"
           "description: \"Default for one machine: a worker thread per core, "
           "256MiB in memory, 2GiB on disk\"\n"
           "cache:\n"
           "  l1_size: 256MiB\n"
           "  l2_size: 2GiB\n"
           "  l3_enabled: false\n"
           "  ttl: 1h\n"
           "parallel:\n"
           "  workers: 0\n"
           "  queue_size: 2\n"
           "  worker_type: thread\n"
           "  cpu_affinity: false\n"
           "  memory_limit: 0\n"
           "agents:\n"
           "  parallel_execution: true\n"
           "  max_concurrent: 0\n"
           "  max_retries: 3\n"
           "  task_timeout: 1m\n"
           "  file_timeout: 10s\n"
           "  file_memory: 256MiB\n"
           "tuner:\n"
           "  enabled: false\n"
           "  interval: 5s\n"
           "  cooldown: 30s\n"
           "network:\n"
           "  pool_size: 8\n"
           "  max_in_flight: 16\n"
           "  timeout: 10s\n"
           "analysis:\n"
           "  default_excludes: true\n"
           "  gitignore: true\n"
           "  init_reexports: false\n"
           "  exclude: []\n"
           "  # generate: not set (the command decides)\n"
           "nodes:\n"
           "  heartbeat_interval: 250ms\n"
           "  connection_timeout: 1250ms\n"
           "  lend_workers: true\n"
           "  join: []\n");
}

TEST_CASE("analysis lists are checked item by item") {
  auto bad = profile_loader{}.load_string("analysis:\n  generate: [tests, api]\n");
  REQUIRE_FALSE(bad.ok());
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0].key_path == "analysis.generate[1]");
  CHECK(bad.errors[0].message.find("unknown word 'api'") != std::string::npos);
  auto scalar = profile_loader{}.load_string("analysis:\n  exclude: build/\n");
  REQUIRE_FALSE(scalar.ok());
  CHECK(scalar.errors[0].key_path == "analysis.exclude");
  auto good = profile_loader{}.load_string(
    "analysis:\n  exclude: [\"build/\", \"*_pb2.py\"]\n  generate: [docs]\n");
  REQUIRE(good.ok());
  CHECK(good.value->analysis.exclude == std::vector<std::string>{"build/", "*_pb2.py"});
  REQUIRE(good.value->analysis.generate);
  CHECK(*good.value->analysis.generate == std::vector<std::string>{"docs"});
  CHECK_FALSE(profile_loader{}.load_string("cache:\n  ttl: 1h\n").value->analysis.generate);
}

TEST_CASE("show output loads back to the same settings") {
  auto loader = shipped_loader();
  for (const auto& name : shipped_names) {
    INFO("profile " << name);
    auto original = loader.load(name);
    REQUIRE(original.ok());
    auto again = profile_loader{}.load_string(to_yaml(*original.value));
    REQUIRE(again.ok());
    CHECK(diff(*original.value, *again.value).empty());
    CHECK(again.value->description == original.value->description);
  }
}

TEST_CASE("show escapes descriptions so that they read back") {
  settings s;
  s.description = "say \"hi\"\\ #not a comment: {x}";
  auto again = profile_loader{}.load_string(to_yaml(s));
  REQUIRE(again.ok());
  CHECK(again.value->description == s.description);
}

TEST_CASE("diff lists the keys that differ, with both values") {
  auto loader = shipped_loader();
  auto a = loader.load("balanced");
  auto b = loader.load("cluster");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  auto changes = diff(*a.value, *b.value);
  std::vector<std::string> lines;
  for (const auto& change : changes)
    lines.push_back(change.to_string());
  CHECK(lines
        == std::vector<std::string>{
          "cache.l1_size: 256MiB -> 512MiB",
          "cache.l2_size: 2GiB -> 8GiB",
          "cache.l3_enabled: false -> true",
          "cache.ttl: 1h -> 6h",
          "parallel.queue_size: 2 -> 4",
          "agents.max_retries: 3 -> 5",
          "agents.task_timeout: 1m -> 2m",
          "tuner.enabled: false -> true",
          "network.pool_size: 8 -> 16",
          "network.max_in_flight: 16 -> 32",
          "network.timeout: 10s -> 30s",
        });
  CHECK(changes[2].key_path == "cache.l3_enabled");
  CHECK(changes[2].left == "false");
  CHECK(changes[2].right == "true");
  CHECK(diff(*a.value, *a.value).empty());
}

TEST_CASE("worker types render as their YAML words") {
  CHECK(std::string{to_string(worker_type::thread)} == "thread");
  CHECK(std::string{to_string(worker_type::process)} == "process");
}
