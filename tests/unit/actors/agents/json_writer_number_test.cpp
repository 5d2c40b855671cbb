// json_writer's signed and floating-point numbers: valid JSON whatever the
// stream's locale, and doubles that read back exactly.
#include "troupe/actors/json_writer.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <locale>
#include <sstream>

#include <nlohmann/json.hpp>

using troupe::actors::json_writer;

namespace {

/// A locale with a decimal comma and digit grouping, as de_DE has.
struct comma_numpunct : std::numpunct<char> {
  char do_decimal_point() const override {
    return ',';
  }
  char do_thousands_sep() const override {
    return '.';
  }
  std::string do_grouping() const override {
    return "\3";
  }
};

template <class Number>
std::string render(Number x, bool comma_locale = false) {
  std::ostringstream text;
  if (comma_locale)
    text.imbue(std::locale{std::locale::classic(), new comma_numpunct});
  json_writer{text}.value({}, x);
  return text.str();
}

} // namespace

TEST_CASE("json_writer writes doubles in their shortest exact form", "[json_writer]") {
  CHECK(render(0.5) == "0.5");
  CHECK(render(0.1) == "0.1");
  CHECK(render(1.0) == "1");
  CHECK(render(-2.25) == "-2.25");
  CHECK(render(0.0) == "0");
  for (double x : {1.0 / 3.0, 2.0 / 3.0, 10.0 / 11.0, 1e300, 5e-324, 123456789.125}) {
    auto text = render(x);
    INFO(text);
    CHECK(nlohmann::json::parse(text).get<double>() == x);
  }
  CHECK(render(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(render(std::numeric_limits<double>::infinity()) == "null");
  CHECK(render(-std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("json_writer numbers ignore the stream's locale", "[json_writer]") {
  CHECK(render(1234.5, true) == "1234.5");
  CHECK(render(std::int64_t{-1234567}, true) == "-1234567");
}

TEST_CASE("json_writer writes signed 64-bit numbers", "[json_writer]") {
  CHECK(render(std::int64_t{-1}) == "-1");
  CHECK(render(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  CHECK(render(std::numeric_limits<std::int64_t>::max()) == "9223372036854775807");
  std::ostringstream text;
  json_writer out{text};
  out.begin_object().value("a", std::int64_t{-3}).value("b", 0.75).end_object();
  CHECK(nlohmann::json::parse(text.str()) == nlohmann::json{{"a", -3}, {"b", 0.75}});
}
