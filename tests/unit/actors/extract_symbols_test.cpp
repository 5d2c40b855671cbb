// Symbol extraction on small in-memory sources; the fixture test covers the
// same ground against Python's own ast output.
#include "troupe/actors/file/extract_symbols.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace troupe::actors;

namespace {

file_symbols symbols_of(const std::string& text) {
  python_parser parser;
  auto tree = parser.parse(text);
  return extract_symbols(tree, text);
}

std::vector<std::string> qualnames(const file_symbols& symbols) {
  std::vector<std::string> out;
  for (const auto& record : symbols.functions)
    out.push_back(record.qualname);
  return out;
}

} // namespace

TEST_CASE("qualified names follow __qualname__", "[extract_symbols]") {
  auto symbols = symbols_of("def f():\n"
                            "    def g():\n"
                            "        class K:\n"
                            "            def m(self): pass\n"
                            "class C:\n"
                            "    def method(self):\n"
                            "        def helper(): pass\n"
                            "    class D:\n"
                            "        def deep(self): pass\n"
                            "def uses_global():\n"
                            "    global h\n"
                            "    def h(): pass\n");
  CHECK(symbols.parse_errors == 0);
  CHECK(qualnames(symbols)
        == std::vector<std::string>{"f", "f.<locals>.g",
                                    "f.<locals>.g.<locals>.K.m", "C.method",
                                    "C.method.<locals>.helper", "C.D.deep",
                                    "uses_global", "h"});
  REQUIRE(symbols.classes.size() == 3);
  CHECK(symbols.classes[0].qualname == "f.<locals>.g.<locals>.K");
  CHECK(symbols.classes[2].qualname == "C.D");
  CHECK(symbols.functions[3].is_method);
  CHECK_FALSE(symbols.functions[4].is_method);
}

TEST_CASE("lines are those of def and class, end lines skip comments",
          "[extract_symbols]") {
  auto symbols = symbols_of("@decorator\n"           // 1
                            "@other(1)\n"            // 2
                            "async def f(a,\n"       // 3
                            "            b):\n"      // 4
                            "    return (a +\n"      // 5
                            "            b)\n"       // 6
                            "    # trailing\n"       // 7
                            "\n"                     // 8
                            "class C: x = 1\n"       // 9
                            "def g(): pass  # c\n"); // 10
  REQUIRE(symbols.functions.size() == 2);
  const auto& f = symbols.functions[0];
  CHECK(f.line == 3);
  CHECK(f.end_line == 6);
  CHECK(f.is_async);
  CHECK(f.decorators == std::vector<std::string>{"decorator", "other(1)"});
  CHECK(symbols.functions[1].line == 10);
  CHECK(symbols.functions[1].end_line == 10);
  REQUIRE(symbols.classes.size() == 1);
  CHECK(symbols.classes[0].line == 9);
  CHECK(symbols.classes[0].end_line == 9);
}

TEST_CASE("parameters, annotations and docstrings", "[extract_symbols]") {
  auto symbols = symbols_of(
    "def f(self, a: int, /, b=1, *args: str, c, d: bool = True, **kw) -> int:\n"
    "    'doc' \"string\"\n"
    "def g(): f'not a doc'\n"
    "def h(): b'not a doc'\n"
    "class C(Base, (Mixin), *more, metaclass=M, **kw):\n"
    "    ('''doc''')\n");
  REQUIRE(symbols.functions.size() == 3);
  const auto& f = symbols.functions[0];
  CHECK(f.params
        == std::vector<std::string>{"self", "a", "b", "args", "c", "d", "kw"});
  CHECK(f.annotated_params == 3);
  CHECK(f.returns_annotated);
  CHECK(f.has_docstring);
  CHECK_FALSE(symbols.functions[1].has_docstring);
  CHECK_FALSE(symbols.functions[2].has_docstring);
  REQUIRE(symbols.classes.size() == 1);
  CHECK(symbols.classes[0].bases
        == std::vector<std::string>{"Base", "Mixin", "*more"});
  CHECK(symbols.classes[0].has_docstring);
}

TEST_CASE("lambdas are not functions", "[extract_symbols]") {
  auto symbols = symbols_of("f = lambda x: x\n"
                            "def g(key=lambda k: k):\n"
                            "    return [lambda: i for i in range(3)]\n");
  CHECK(qualnames(symbols) == std::vector<std::string>{"g"});
}

TEST_CASE("lone CR line breaks count as Python counts them",
          "[extract_symbols]") {
  auto source = decode_python_source("x = 1\rdef f():\r    pass\r", 1 << 20);
  REQUIRE(source.status == source_status::ok);
  python_parser parser;
  auto tree = parser.parse(source.text);
  auto symbols = extract_symbols(tree, source.text);
  REQUIRE(symbols.functions.size() == 1);
  CHECK(symbols.functions[0].line == 2);
  CHECK(symbols.functions[0].end_line == 3);
}

TEST_CASE("broken files give a best effort and an error count",
          "[extract_symbols]") {
  auto symbols = symbols_of("def ok():\n    pass\n\ndef broken(:\n    pass\n"
                            "\ndef after():\n    pass\n");
  CHECK(symbols.parse_errors > 0);
  CHECK(symbols.functions.front().qualname == "ok");
  CHECK(symbols.functions.back().qualname == "after");
  syntax_tree empty;
  auto nothing = extract_symbols(empty, "");
  CHECK(nothing.parse_errors == 1);
  CHECK(nothing.functions.empty());
  CHECK(nothing.classes.empty());
}
