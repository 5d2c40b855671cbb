// Parsing: error counting, robustness, and the two workarounds for defects
// of the pinned tree-sitter runtime and grammar.
#include "troupe/actors/source/python_parser.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <utility>

using namespace troupe::actors;

namespace {

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i)
    out += piece;
  return out;
}

} // namespace

TEST_CASE("a valid file has no syntax errors", "[python_parser]") {
  python_parser parser;
  auto tree = parser.parse("def f(x):\n    return x\n\nclass C:\n    pass\n");
  REQUIRE(tree);
  CHECK(tree.syntax_errors() == 0);
  CHECK(std::strcmp(ts_node_type(tree.root()), "module") == 0);
}

TEST_CASE("syntax errors count ERROR and MISSING nodes", "[python_parser]") {
  python_parser parser;
  SECTION("one ERROR node") {
    auto tree = parser.parse("def f(:\n    pass\n");
    CHECK(tree.syntax_errors() >= 1);
    CHECK(ts_node_has_error(tree.root()));
  }
  SECTION("a MISSING token") {
    auto tree = parser.parse("x = (1, 2\n");
    CHECK(tree.syntax_errors() == 1);
  }
  SECTION("separate errors are counted separately") {
    auto one = parser.parse("def a(:\n    pass\n");
    auto two = parser.parse("def a(:\n    pass\n\ndef b(:\n    pass\n");
    CHECK(two.syntax_errors() > one.syntax_errors());
  }
  SECTION("count_syntax_errors agrees and handles a null node") {
    auto tree = parser.parse("class C(\n");
    CHECK(count_syntax_errors(tree.root()) == tree.syntax_errors());
    CHECK(count_syntax_errors(TSNode{}) == 0);
  }
}

TEST_CASE("trees and parsers move", "[python_parser]") {
  python_parser parser;
  auto tree = parser.parse("x = 1\n");
  syntax_tree moved{std::move(tree)};
  CHECK_FALSE(tree); // NOLINT(bugprone-use-after-move)
  REQUIRE(moved);
  CHECK(moved.syntax_errors() == 0);
  python_parser other{std::move(parser)};
  CHECK(other.parse("y = 2\n").syntax_errors() == 0);
  syntax_tree empty;
  CHECK_FALSE(empty);
  CHECK(ts_node_is_null(empty.root()));
  CHECK(empty.syntax_errors() == 1);
}

TEST_CASE("a dedent inside brackets is not a syntax error",
          "[python_parser]") {
  // The grammar's scanner reads `b)` as a dedent; Python ignores indentation
  // inside brackets (test_compile.py of the standard library does this).
  python_parser parser;
  auto source = "class T:\n"
                "    def test(self):\n"
                "        def f():\n"
                "            (bar.\n"
                "        baz)\n"
                "            x = [1 +\n"
                "   2]\n"
                "        return f\n";
  auto tree = parser.parse(source);
  CHECK(tree.syntax_errors() == 0);
}

TEST_CASE("deeply nested input is refused instead of corrupting memory",
          "[python_parser]") {
  // libtree-sitter 0.20.7 corrupts its heap when error recovery meets a
  // parse stack of about 65,535 entries; each of these inputs crashed it.
  python_parser parser;
  for (auto piece : {"(", "a(", "x if y else ", "lambda x, y: ", "a, b = ",
                     "-", "x**", "not ", "(a, -"}) {
    CAPTURE(piece);
    auto tree = parser.parse(repeat(piece, 70000));
    CHECK(tree.syntax_errors() >= 1);
  }
  SECTION("big flat literals are still parsed") {
    auto literal = "def f(): pass\nx = [" + repeat("-1.5, ", 200000)
                   + "]\ny = " + repeat("1 + ", 50000) + "1\n";
    auto tree = parser.parse(literal);
    REQUIRE(tree);
    CHECK(tree.syntax_errors() == 0);
  }
}

TEST_CASE("random and truncated input never crashes", "[python_parser]") {
  python_parser parser;
  std::mt19937 random{20240611};
  const std::string alphabet = "()[]{}:;,.=+-*/@#'\"\\\n\t    abcdefxyz019"
                               "defclassiflambdaasyncawaitmatchcase";
  for (int round = 0; round < 200; ++round) {
    std::string text;
    auto length = random() % 4000;
    for (std::size_t i = 0; i < length; ++i)
      text += alphabet[random() % alphabet.size()];
    auto tree = parser.parse(text);
    REQUIRE(tree);
  }
  std::string valid = "class A:\n    def f(self, x=(1, [2, {3: 4}])):\n"
                      "        '''doc'''\n        return lambda: x\n";
  for (std::size_t cut = 0; cut <= valid.size(); ++cut)
    REQUIRE(parser.parse(valid.substr(0, cut)));
}
