#include "troupe/config/units.hpp"

#include <catch2/catch.hpp>

using namespace troupe::config;
using namespace std::chrono_literals;

TEST_CASE("sizes: decimal units are powers of 1000, binary of 1024") {
  CHECK(parse_size("500MB").value == 500'000'000u);
  CHECK(parse_size("5GB").value == 5'000'000'000u);
  CHECK(parse_size("1kB").value == 1000u);
  CHECK(parse_size("1KB").value == 1000u);
  CHECK(parse_size("2TB").value == 2'000'000'000'000u);
  CHECK(parse_size("64KiB").value == 65536u);
  CHECK(parse_size("256MiB").value == 256u << 20);
  CHECK(parse_size("2 GiB").value == 2ull << 30);
  CHECK(parse_size("1TiB").value == 1ull << 40);
  CHECK(parse_size("4096").value == 4096u);
  CHECK(parse_size("12B").value == 12u);
  CHECK(parse_size("0").value == 0u);
}

TEST_CASE("sizes: errors say what was expected") {
  auto empty = parse_size("");
  CHECK_FALSE(empty.value);
  CHECK_THAT(empty.error, Catch::Contains("expected a size such as 512MiB")
                            && Catch::Contains("empty value"));
  CHECK_THAT(parse_size("-1MB").error, Catch::Contains("negative"));
  CHECK_THAT(parse_size("lots").error,
             Catch::Contains("expected a size") && Catch::Contains("'lots'"));
  CHECK_THAT(parse_size("1.5GiB").error,
             Catch::Contains("whole number") && Catch::Contains("1536MiB"));
  auto unit = parse_size("12XB");
  CHECK_FALSE(unit.value);
  CHECK_THAT(unit.error, Catch::Contains("unknown unit 'XB'")
                           && Catch::Contains("MiB")
                           && Catch::Contains("GB"));
  CHECK_THAT(parse_size("5mb").error, Catch::Contains("unknown unit 'mb'"));
  CHECK_THAT(parse_size("99999999999999999999").error,
             Catch::Contains("too large"));
  CHECK_THAT(parse_size("20000000TiB").error, Catch::Contains("too large"));
}

TEST_CASE("sizes: rendering picks the exact unit with the smallest number") {
  CHECK(render_size(256u << 20) == "256MiB");
  CHECK(render_size(2ull << 30) == "2GiB");
  CHECK(render_size(500'000'000u) == "500MB");
  CHECK(render_size(1000u) == "1kB");
  CHECK(render_size(1024u) == "1KiB");
  CHECK(render_size(1000ull << 20) == "1000MiB");
  CHECK(render_size(1536u) == "1536");
  CHECK(render_size(0) == "0");
  for (std::uint64_t bytes : {1ull, 1023ull, 65536ull, 5'000'000'000ull,
                              3ull << 40, 123456789ull})
    CHECK(parse_size(render_size(bytes)).value == bytes);
}

TEST_CASE("durations: ms, s, m and h") {
  CHECK(parse_duration("250ms").value == 250ms);
  CHECK(parse_duration("2s").value == 2s);
  CHECK(parse_duration("5m").value == 5min);
  CHECK(parse_duration("1h").value == 1h);
  CHECK(parse_duration("0s").value == 0ms);
  CHECK(parse_duration("10 s").value == 10s);
}

TEST_CASE("durations: errors say what was expected") {
  CHECK_THAT(parse_duration("500").error,
             Catch::Contains("a duration with a unit (ms, s, m or h)")
               && Catch::Contains("'500'"));
  CHECK_THAT(parse_duration("2d").error,
             Catch::Contains("unknown unit 'd'")
               && Catch::Contains("h, m, s or ms"));
  CHECK_THAT(parse_duration("1.5s").error, Catch::Contains("whole number"));
  CHECK_THAT(parse_duration("-1s").error, Catch::Contains("negative"));
  CHECK_THAT(parse_duration("soon").error,
             Catch::Contains("expected a duration such as 250ms"));
  CHECK_THAT(parse_duration("9999999999999999h").error,
             Catch::Contains("too large"));
}

TEST_CASE("durations: rendering uses the largest exact unit") {
  CHECK(render_duration(1h) == "1h");
  CHECK(render_duration(90s) == "90s");
  CHECK(render_duration(60s) == "1m");
  CHECK(render_duration(250ms) == "250ms");
  CHECK(render_duration(1500ms) == "1500ms");
  CHECK(render_duration(0ms) == "0s");
  for (auto d : {1ms, 999ms, 1000ms, 61000ms, 7200000ms})
    CHECK(parse_duration(render_duration(d)).value == d);
}
