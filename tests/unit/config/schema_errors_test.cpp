// Errors about keys and values: unknown keys, wrong types, out-of-range
// values, duplicates and rules relating two fields.
#include "troupe/config/profile_loader.hpp"
#include "troupe/config/validate.hpp"

#include <catch2/catch.hpp>

#include "temp_profiles.hpp"

using namespace troupe::config;
using troupe::config::test::only_error;
using troupe::config::test::temp_profiles;

namespace {

config_error load_error(const std::string& text) {
  return only_error(profile_loader{}.load_string(text, "p.yaml"));
}

} // namespace

TEST_CASE("an unknown key suggests the closest known key") {
  temp_profiles t;
  auto path = t.write("typo.yaml", "cache:\n  l1_sise: 1GiB\n");
  auto e = only_error(profile_loader{}.load_file(path));
  CHECK(e.file == path.string());
  CHECK(e.line == 2);
  CHECK(e.column == 3);
  CHECK(e.key_path == "cache.l1_sise");
  CHECK_THAT(e.message, Catch::Contains("unknown key 'l1_sise'")
                          && Catch::Contains("did you mean 'l1_size'?"));
  CHECK(e.to_string()
        == path.string()
             + ":2:3: cache.l1_sise: unknown key 'l1_sise'; did you mean "
               "'l1_size'?");
}

TEST_CASE("unknown keys without a close match list the keys of their level") {
  auto top = load_error("tunr:\n  enabled: true\n");
  CHECK(top.key_path == "tunr");
  CHECK_THAT(top.message, Catch::Contains("did you mean 'tuner'?"));

  auto far = load_error("network:\n  proxy: none\n");
  CHECK(far.line == 2);
  CHECK(far.key_path == "network.proxy");
  CHECK_THAT(far.message,
             Catch::Contains("expected one of pool_size, max_in_flight, timeout"));

  auto moved = load_error("workers: 4\n");
  CHECK(moved.key_path == "workers");
  CHECK_THAT(moved.message, Catch::Contains("belongs in section 'parallel'"));

  auto wrong_section = load_error("cache:\n  workers: 4\n");
  CHECK(wrong_section.key_path == "cache.workers");
  CHECK_THAT(wrong_section.message,
             Catch::Contains("belongs in section 'parallel'"));
}

TEST_CASE("a wrong type names what was expected") {
  auto flag = load_error("cache:\n  l3_enabled: \"yes\"\n");
  CHECK(flag.line == 2);
  CHECK(flag.column == 15);
  CHECK(flag.key_path == "cache.l3_enabled");
  CHECK_THAT(flag.message, Catch::Contains("expected a boolean (true or false)")
                             && Catch::Contains("got the string \"yes\""));

  auto yes = load_error("tuner:\n  enabled: yes\n");
  CHECK(yes.message == "expected a boolean (true or false), got 'yes'");

  auto count = load_error("parallel:\n  workers: four\n");
  CHECK(count.column == 12);
  CHECK(count.key_path == "parallel.workers");
  CHECK_THAT(count.message, Catch::Contains("expected a whole number, got 'four'"));

  auto quoted = load_error("parallel:\n  workers: \"4\"\n");
  CHECK_THAT(quoted.message, Catch::Contains("got the string \"4\""));

  auto size = load_error("cache:\n  l1_size: lots\n");
  CHECK(size.key_path == "cache.l1_size");
  CHECK_THAT(size.message, Catch::Contains("expected a size such as 512MiB"));

  auto duration = load_error("agents:\n  task_timeout: 30\n");
  CHECK(duration.key_path == "agents.task_timeout");
  CHECK_THAT(duration.message, Catch::Contains("with a unit (ms, s, m or h)"));

  auto choice = load_error("parallel:\n  worker_type: proces\n");
  CHECK(choice.column == 16);
  CHECK_THAT(choice.message, Catch::Contains("expected one of thread or process")
                               && Catch::Contains("did you mean 'process'?"));
}

TEST_CASE("a mapping or sequence where a scalar is expected") {
  auto map = load_error("parallel:\n  workers:\n    count: 4\n");
  CHECK(map.line == 3);
  CHECK(map.column == 5);
  CHECK(map.key_path == "parallel.workers");
  CHECK_THAT(map.message, Catch::Contains("expected a whole number, got a mapping"));

  auto seq = load_error("network:\n  timeout: [1s, 2s]\n");
  CHECK(seq.column == 12);
  CHECK_THAT(seq.message, Catch::Contains("got a sequence"));

  auto section = load_error("cache: 5GiB\n");
  CHECK(section.line == 1);
  CHECK(section.column == 8);
  CHECK(section.key_path == "cache");
  CHECK_THAT(section.message, Catch::Contains("expected a mapping of cache settings"));

  auto description = load_error("description:\n  - a\n");
  CHECK(description.key_path == "description");
  CHECK_THAT(description.message, Catch::Contains("expected a string"));
}

TEST_CASE("a key without a value points at the key") {
  auto e = load_error("parallel:\n  workers:\n  queue_size: 2\n");
  CHECK(e.line == 2);
  CHECK(e.column == 3);
  CHECK(e.key_path == "parallel.workers");
  CHECK_THAT(e.message, Catch::Contains("got no value"));
}

TEST_CASE("an out-of-range value names the range") {
  auto workers = load_error("parallel:\n  workers: 2000\n");
  CHECK(workers.line == 2);
  CHECK(workers.column == 12);
  CHECK(workers.key_path == "parallel.workers");
  CHECK(workers.message == "out of range: 2000 is not between 0 and 1024");

  auto timeout = load_error("agents:\n  task_timeout: 48h\n");
  CHECK(timeout.message == "out of range: 48h is not between 1ms and 24h");

  auto queue = load_error("parallel:\n  queue_size: 0\n");
  CHECK_THAT(queue.message, Catch::Contains("between 1 and 4096"));

  auto l1 = load_error("cache:\n  l1_size: 512KiB\n");
  CHECK(l1.message == "out of range: 512KiB is not between 1MiB and 256GiB");

  auto huge = load_error("agents:\n  max_retries: 99999999999999999999\n");
  CHECK_THAT(huge.message, Catch::Contains("too large"));
}

TEST_CASE("a duplicate key points at its second occurrence") {
  auto e = load_error("parallel:\n  workers: 2\n  workers: 4\n");
  CHECK(e.line == 3);
  CHECK(e.column == 3);
  CHECK(e.key_path == "parallel.workers");
  CHECK(e.message == "duplicate key 'workers' (first defined at line 2)");

  auto section = load_error("tuner:\n  enabled: true\ntuner:\n  enabled: false\n");
  CHECK(section.line == 3);
  CHECK(section.key_path == "tuner");
}

TEST_CASE("every error of one file is reported, in file order") {
  auto result = profile_loader{}.load_string(
    "cache:\n  l1_size: big\n  tll: 1h\nparallel:\n  workers: -1\n"
    "colour: blue\n",
    "many.yaml");
  REQUIRE_FALSE(result.ok());
  REQUIRE(result.errors.size() == 4);
  CHECK(result.errors[0].key_path == "cache.l1_size");
  CHECK(result.errors[1].key_path == "cache.tll");
  CHECK_THAT(result.errors[1].message, Catch::Contains("did you mean 'ttl'?"));
  CHECK(result.errors[2].key_path == "parallel.workers");
  CHECK(result.errors[2].line == 5);
  CHECK(result.errors[3].key_path == "colour");
  CHECK(result.errors[3].line == 6);
}

TEST_CASE("the L1 cache must fit in the memory limit") {
  auto e = load_error("parallel:\n  memory_limit: 128MiB\n");
  CHECK(e.file == "p.yaml");
  CHECK(e.line == 2);
  CHECK(e.column == 17);
  CHECK(e.key_path == "cache.l1_size");
  CHECK_THAT(e.message, Catch::Contains("256MiB")
                          && Catch::Contains("must not exceed parallel.memory_limit (128MiB)"));
  CHECK(profile_loader{}
          .load_string("cache:\n  l1_size: 64MiB\n"
                       "parallel:\n  memory_limit: 128MiB\n")
          .ok());
}

TEST_CASE("validate checks settings changed after loading") {
  settings s;
  CHECK(validate(s).empty());
  s.parallel.workers = 5000;
  s.network.timeout = std::chrono::hours(2);
  auto errors = validate(s);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].key_path == "parallel.workers");
  CHECK(errors[0].message == "out of range: 5000 is not between 0 and 1024");
  CHECK(errors[1].key_path == "network.timeout");
  CHECK(errors[1].file.empty());
}
