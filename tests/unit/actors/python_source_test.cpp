// Decoding .py bytes: BOM, PEP 263 cookies, strict UTF-8, binary, size.
#include "troupe/actors/source/python_source.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace troupe::actors;
using namespace std::string_literals;

namespace {

constexpr std::size_t no_limit = 1u << 30;

} // namespace

TEST_CASE("plain UTF-8 passes through unchanged", "[python_source]") {
  auto source = decode_python_source("x = 'caf\xC3\xA9'\n", no_limit);
  CHECK(source.status == source_status::ok);
  CHECK(source.text == "x = 'caf\xC3\xA9'\n");
  CHECK(source.encoding == "utf-8");
  CHECK(source.detail.empty());
}

TEST_CASE("a UTF-8 byte-order mark is stripped", "[python_source]") {
  auto source = decode_python_source("\xEF\xBB\xBFx = 1\n", no_limit);
  REQUIRE(source.status == source_status::ok);
  CHECK(source.text == "x = 1\n");
  SECTION("with a UTF-8 cookie it is accepted") {
    auto with_cookie = decode_python_source(
      "\xEF\xBB\xBF# coding: utf-8\nx = 1\n", no_limit);
    CHECK(with_cookie.status == source_status::ok);
    CHECK(with_cookie.text == "# coding: utf-8\nx = 1\n");
  }
  SECTION("with another cookie it is an encoding problem, as in CPython") {
    auto conflict = decode_python_source(
      "\xEF\xBB\xBF# coding: latin-1\nx = 1\n", no_limit);
    CHECK(conflict.status == source_status::not_utf8);
    CHECK_THAT(conflict.detail, Catch::Contains("with BOM"));
  }
}

TEST_CASE("a NUL byte marks a binary file", "[python_source]") {
  auto source = decode_python_source("x = 1\ny\0z\n"s, no_limit);
  CHECK(source.status == source_status::binary);
  CHECK(source.text.empty());
  CHECK_THAT(source.detail, Catch::Contains("byte offset 7"));
  CHECK_THAT(source.detail, Catch::Contains("line 2"));
}

TEST_CASE("files above the limit are too large", "[python_source]") {
  auto source = decode_python_source("x = 1\n", 5);
  CHECK(source.status == source_status::too_large);
  CHECK(decode_python_source("x = 1\n", 6).status == source_status::ok);
}

TEST_CASE("invalid UTF-8 is reported with offset and line", "[python_source]") {
  SECTION("a Latin-1 byte without a cookie") {
    auto source = decode_python_source("a = 1\nb = 'caf\xE9'\n", no_limit);
    CHECK(source.status == source_status::not_utf8);
    CHECK_THAT(source.detail, Catch::Contains("byte offset 14"));
    CHECK_THAT(source.detail, Catch::Contains("line 2, column 9"));
  }
  SECTION("overlong forms, surrogates and truncated sequences") {
    for (auto bad : {"\xC0\xAF"s, "\xED\xA0\x80"s, "\xF4\x90\x80\x80"s,
                     "\xE2\x82"s, "\x80"s}) {
      CAPTURE(bad);
      CHECK(decode_python_source("x = '" + bad + "'\n", no_limit).status
            == source_status::not_utf8);
    }
  }
  SECTION("the offset counts the stripped BOM") {
    auto source = decode_python_source("\xEF\xBB\xBFx\xFF", no_limit);
    CHECK_THAT(source.detail, Catch::Contains("byte offset 4"));
  }
}

TEST_CASE("coding cookies select the codec", "[python_source]") {
  SECTION("Latin-1 on line 1 is transcoded without moving lines") {
    auto source = decode_python_source(
      "# -*- coding: latin-1 -*-\ns = 'caf\xE9'\n\ndef f(): pass\n", no_limit);
    REQUIRE(source.status == source_status::ok);
    CHECK(source.encoding == "iso-8859-1");
    CHECK(source.text
          == "# -*- coding: latin-1 -*-\ns = 'caf\xC3\xA9'\n\ndef f(): pass\n");
  }
  SECTION("a cookie on line 2 counts after a comment line") {
    auto source = decode_python_source(
      "#!/usr/bin/env python\n# vim: set fileencoding=iso8859-15 :\n"
      "s = '\xA4'\n",
      no_limit);
    REQUIRE(source.status == source_status::ok);
    CHECK(source.encoding == "iso-8859-15");
    CHECK_THAT(source.text, Catch::EndsWith("s = '\xE2\x82\xAC'\n"));
  }
  SECTION("a cookie on line 2 is ignored after a code line") {
    auto source = decode_python_source("x = 1\n# coding: latin-1\ns = '\xE9'\n",
                                       no_limit);
    CHECK(source.status == source_status::not_utf8);
  }
  SECTION("cp1252 maps 0x80 to the euro sign and rejects undefined bytes") {
    auto euro = decode_python_source("# coding=cp1252\ns = '\x80'\n", no_limit);
    REQUIRE(euro.status == source_status::ok);
    CHECK_THAT(euro.text, Catch::EndsWith("s = '\xE2\x82\xAC'\n"));
    auto undefined = decode_python_source("# coding=cp1252\ns = '\x81'\n",
                                          no_limit);
    CHECK(undefined.status == source_status::not_utf8);
    CHECK_THAT(undefined.detail, Catch::Contains("line 2"));
  }
  SECTION("UTF-8 spellings are accepted as UTF-8") {
    for (auto name : {"utf-8", "UTF8", "utf_8", "utf-8-unix", "u8"}) {
      CAPTURE(name);
      auto source = decode_python_source(
        std::string{"# coding: "} + name + "\nx = 1\n", no_limit);
      CHECK(source.status == source_status::ok);
      CHECK(source.encoding == "utf-8");
    }
  }
  SECTION("other codecs are not supported") {
    auto source = decode_python_source("# coding: euc-jp\nx = 1\n", no_limit);
    CHECK(source.status == source_status::not_utf8);
    CHECK_THAT(source.detail, Catch::Contains("euc-jp"));
    CHECK_THAT(source.detail, Catch::Contains("line 1"));
  }
  SECTION("a cookie outside a comment is not a cookie") {
    auto source = decode_python_source("s = '# coding: latin-1'\n", no_limit);
    CHECK(source.status == source_status::ok);
    CHECK(source.encoding == "utf-8");
  }
}

TEST_CASE("a lone CR becomes LF so lines match Python", "[python_source]") {
  auto source = decode_python_source("a = 1\rb = 2\r\nc = 3\r", no_limit);
  REQUIRE(source.status == source_status::ok);
  CHECK(source.text == "a = 1\nb = 2\r\nc = 3\n");
}

TEST_CASE("status names are stable", "[python_source]") {
  CHECK(to_string(source_status::ok) == "ok");
  CHECK(to_string(source_status::binary) == "binary");
  CHECK(to_string(source_status::not_utf8) == "not_utf8");
  CHECK(to_string(source_status::too_large) == "too_large");
}
