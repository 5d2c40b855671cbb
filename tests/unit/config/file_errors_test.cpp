// Errors about a profile file as a whole: it is missing, empty, not UTF-8,
// not YAML, too deep, uses anchors, aliases or tags, or is not a mapping.
#include "troupe/config/profile_loader.hpp"
#include "troupe/config/settings_yaml.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "temp_profiles.hpp"

using namespace troupe::config;
using troupe::config::test::only_error;
using troupe::config::test::temp_profiles;

TEST_CASE("config_error renders FILE:LINE:COL: KEY: MESSAGE") {
  CHECK(config_error{"a.yaml", 3, 5, "cache.ttl", "bad"}.to_string()
        == "a.yaml:3:5: cache.ttl: bad");
  CHECK(config_error{"a.yaml", 3, 0, "", "bad"}.to_string()
        == "a.yaml:3: bad");
  CHECK(config_error{"a.yaml", 0, 0, "", "bad"}.to_string() == "a.yaml: bad");
  CHECK(config_error{"", 0, 0, "extends", "bad"}.to_string()
        == "extends: bad");
  CHECK(config_error{"", 0, 0, "", "bad"}.to_string() == "bad");
}

TEST_CASE("a missing profile name lists the files tried") {
  temp_profiles a;
  temp_profiles b;
  a.write("balanced.yaml", "tuner:\n  enabled: true\n");
  profile_loader loader{{{a.dir(), b.dir()}}};
  auto e = only_error(loader.load("fast"));
  CHECK(e.file.empty());
  CHECK(e.line == 0);
  CHECK(e.key_path.empty());
  CHECK_THAT(e.message,
             Catch::Contains("no profile named 'fast'")
               && Catch::Contains((a.dir() / "fast.yaml").string())
               && Catch::Contains((b.dir() / "fast.yaml").string())
               && Catch::Contains("available: balanced"));
}

TEST_CASE("a missing profile file names its path") {
  temp_profiles t;
  auto path = (t.dir() / "missing.yaml").string();
  profile_loader loader;
  auto e = only_error(loader.load(path));
  CHECK(e.file == path);
  CHECK(e.line == 0);
  CHECK(e.column == 0);
  CHECK_THAT(e.message, Catch::Contains("no such file"));
  CHECK(e.to_string() == path + ": cannot open profile: no such file");
}

TEST_CASE("a 0-byte file is an empty profile") {
  temp_profiles t;
  auto path = t.write("empty.yaml", "");
  auto e = only_error(profile_loader{}.load_file(path));
  CHECK(e.file == path.string());
  CHECK(e.line == 0);
  CHECK_THAT(e.message, Catch::Contains("empty profile (0 bytes)"));
}

TEST_CASE("a file with only comments is an empty profile") {
  auto e = only_error(profile_loader{}.load_string("# nothing\n\n", "c.yaml"));
  CHECK(e.file == "c.yaml");
  CHECK_THAT(e.message, Catch::Contains("empty profile"));
}

TEST_CASE("non-UTF-8 bytes are reported at the first bad byte") {
  temp_profiles t;
  // Line 3 is `description: caf` + 0xE9 (Latin-1 e-acute) + `!`.
  auto path = t.write("latin1.yaml",
                      "cache:\n  ttl: 1h\ndescription: caf\xE9!\n");
  auto e = only_error(profile_loader{}.load_file(path));
  CHECK(e.file == path.string());
  CHECK(e.line == 3);
  CHECK(e.column == 17);
  CHECK_THAT(e.message, Catch::Contains("invalid UTF-8 (byte 0xE9)"));
}

TEST_CASE("valid multi-byte UTF-8 is accepted, NUL bytes are not") {
  profile_loader loader;
  auto ok = loader.load_string("description: \"caf\xC3\xA9 \xE2\x9C\x93\"\n");
  REQUIRE(ok.ok());
  CHECK(ok.value->description == "caf\xC3\xA9 \xE2\x9C\x93");
  auto e = only_error(
    loader.load_string(std::string{"tuner:\n  enabled: tr\0ue\n", 24}));
  CHECK(e.line == 2);
  CHECK(e.column == 14);
  CHECK_THAT(e.message, Catch::Contains("control character 0x00"));
}

TEST_CASE("the YAML escapes \\N and \\_ load as UTF-8 and render back") {
  profile_loader loader;
  // yaml-cpp decodes these two escapes to the single bytes 0x85 and 0xA0.
  auto ok = loader.load_string("description: \"a\\_b\\Nc \\x41\xC3\xA9\"\n", "e.yaml");
  REQUIRE(ok.ok());
  CHECK(ok.value->description == "a\xC2\xA0" "b\xC2\x85" "c A\xC3\xA9");
  auto again = loader.load_string(troupe::config::to_yaml(*ok.value), "rendered.yaml");
  INFO(troupe::config::to_yaml(*ok.value));
  REQUIRE(again.ok());
  CHECK(again.value->description == ok.value->description);
}

TEST_CASE("a YAML syntax error carries yaml-cpp's position") {
  auto e = only_error(profile_loader{}.load_string(
    "cache:\n  l1_size: 64MiB\n  ttl: [1h\n", "broken.yaml"));
  CHECK(e.file == "broken.yaml");
  CHECK(e.line == 4);
  CHECK(e.column == 1);
  CHECK(e.key_path.empty());
  CHECK_THAT(e.message, Catch::Contains("YAML syntax error")
                          && Catch::Contains("end of sequence flow not found"));
}

TEST_CASE("a tab in the indentation gets a hint") {
  auto e = only_error(
    profile_loader{}.load_string("cache:\n\tttl: 1h\n", "tab.yaml"));
  CHECK(e.line == 2);
  CHECK_THAT(e.message, Catch::Contains("YAML syntax error")
                          && Catch::Contains("line 2 is indented with a tab"));
}

TEST_CASE("nesting deeper than the limit is refused before yaml-cpp recurses") {
  profile_loader loader;
  // 100000 levels would make yaml-cpp throw DeepRecursion ("bad file").
  auto e = only_error(loader.load_string(
    "cache: " + std::string(100000, '[') + std::string(100000, ']'),
    "deep.yaml"));
  CHECK(e.file == "deep.yaml");
  CHECK(e.line == 1);
  CHECK(e.column == 8 + 15); // the 16th '[' is level 17
  std::string path = "cache";
  for (int i = 0; i < 15; ++i)
    path += "[0]";
  CHECK(e.key_path == path); // the 15 sequences that fit, then the 16th
  CHECK_THAT(e.message, Catch::Contains("nesting is deeper than 16 levels"));

  auto open = only_error(
    loader.load_string("cache: " + std::string(100000, '['), "open.yaml"));
  CHECK(open.line == 1);
  CHECK_THAT(open.message, Catch::Contains("nesting is deeper than 16 levels"));

  std::string block;
  for (int i = 0; i < 20; ++i)
    block += std::string(static_cast<size_t>(2 * i), ' ') + "k" + std::to_string(i)
             + ":\n";
  auto b = only_error(loader.load_string(block, "block.yaml"));
  CHECK(b.line == 17);
  CHECK(b.column == 33);
  CHECK_THAT(b.message, Catch::Contains("deeper than 16"));
}

TEST_CASE("anchors and aliases are rejected where they appear") {
  auto result = profile_loader{}.load_string(
    "cache: &shared\n  ttl: 1h\ntuner: *shared\n", "alias.yaml");
  REQUIRE_FALSE(result.ok());
  REQUIRE(result.errors.size() == 2);
  auto& anchor = result.errors[0];
  CHECK(anchor.file == "alias.yaml");
  CHECK(anchor.line == 1);
  CHECK(anchor.column == 8);
  CHECK_THAT(anchor.message, Catch::Contains("anchors are not allowed (&shared)"));
  CHECK(anchor.key_path == "cache");
  auto& alias = result.errors[1];
  CHECK(alias.line == 3);
  CHECK(alias.column == 8);
  CHECK_THAT(alias.message, Catch::Contains("aliases are not allowed (*shared)"));
  CHECK(alias.key_path == "tuner");
}

TEST_CASE("YAML tags are rejected") {
  auto e = only_error(
    profile_loader{}.load_string("parallel:\n  workers: !!int 4\n", "t.yaml"));
  CHECK(e.line == 2);
  CHECK(e.column == 12);
  CHECK_THAT(e.message, Catch::Contains("tags are not allowed"));
}

TEST_CASE("the top level must be a mapping") {
  auto e = only_error(profile_loader{}.load_string("- cache\n- tuner\n", "l.yaml"));
  CHECK(e.line == 1);
  CHECK(e.column == 1);
  CHECK(e.key_path.empty());
  CHECK_THAT(e.message, Catch::Contains("top level of a profile must be a mapping")
                          && Catch::Contains("got a sequence"));
  auto s = only_error(profile_loader{}.load_string("fast\n", "s.yaml"));
  CHECK_THAT(s.message, Catch::Contains("got 'fast'"));
}

TEST_CASE("a second YAML document is an error") {
  auto e = only_error(profile_loader{}.load_string(
    "tuner:\n  enabled: true\n---\ntuner:\n  enabled: false\n", "two.yaml"));
  CHECK(e.line == 4);
  CHECK(e.column == 1);
  CHECK_THAT(e.message, Catch::Contains("found a second one"));
}
