// The compact form a run holds symbols in (symbols_view): decoded from the
// record, it says exactly what the extraction said, for every fixture and
// every field; damaged records do not decode; a move keeps its views valid.
#include "troupe/actors/file/extract_references.hpp"
#include "troupe/actors/file/symbols_codec.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace troupe::actors;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> texts(const text_list& list) {
  return {list.begin(), list.end()};
}

void check_same(const function_record& want, const function_view& got) {
  INFO(want.qualname);
  CHECK(got.qualname == want.qualname);
  CHECK(got.name == want.name);
  CHECK(got.line == want.line);
  CHECK(got.end_line == want.end_line);
  CHECK(got.is_async == want.is_async);
  CHECK(got.is_method == want.is_method);
  CHECK(texts(got.params) == want.params);
  CHECK(got.annotated_params == want.annotated_params);
  CHECK(got.first_param_annotated == want.first_param_annotated);
  CHECK(got.returns_annotated == want.returns_annotated);
  CHECK(texts(got.decorators) == want.decorators);
  CHECK(got.has_docstring == want.has_docstring);
  CHECK(got.signature == want.signature);
  CHECK(texts(got.calls) == want.calls);
  CHECK(got.body_hash == want.body_hash);
  CHECK(got.body_tokens == want.body_tokens);
  CHECK(got.summary == want.summary);
  CHECK(texts(got.local_names) == want.local_names);
}

void check_same(const class_record& want, const class_view& got) {
  INFO(want.qualname);
  CHECK(got.qualname == want.qualname);
  CHECK(got.name == want.name);
  CHECK(got.line == want.line);
  CHECK(got.end_line == want.end_line);
  CHECK(texts(got.bases) == want.bases);
  CHECK(texts(got.decorators) == want.decorators);
  CHECK(got.has_docstring == want.has_docstring);
  CHECK(got.summary == want.summary);
}

void check_same(const file_symbols& want, const symbols_view& got) {
  CHECK(got.parse_errors == want.parse_errors);
  REQUIRE(got.functions.size() == want.functions.size());
  for (std::size_t i = 0; i < want.functions.size(); ++i)
    check_same(want.functions[i], got.functions[i]);
  REQUIRE(got.classes.size() == want.classes.size());
  for (std::size_t i = 0; i < want.classes.size(); ++i)
    check_same(want.classes[i], got.classes[i]);
  CHECK(texts(got.names) == want.names);
  CHECK(texts(got.attributes) == want.attributes);
  CHECK(texts(got.exports) == want.exports);
  CHECK(got.has_all == want.has_all);
  CHECK(texts(got.module_calls) == want.module_calls);
  CHECK(got.module_summary == want.module_summary);
}

symbols_view view_of(const file_symbols& symbols) {
  std::string record;
  return view_symbols(symbols, record);
}

file_symbols extract(const std::string& text) {
  python_parser parser;
  auto tree = parser.parse(text);
  return extract_symbol_record(tree, text);
}

} // namespace

TEST_CASE("a symbols view says what the extraction said, field by field",
          "[symbols_view]") {
  std::size_t files = 0, functions = 0;
  for (const auto& entry : std::filesystem::directory_iterator(TROUPE_PYTHON_FIXTURES)) {
    if (entry.path().extension() != ".py")
      continue;
    INFO(entry.path().filename().string());
    auto source = decode_python_source(read_file(entry.path()), 1 << 20);
    if (source.status != source_status::ok)
      continue;
    auto want = extract(source.text);
    std::string record;
    auto got = view_symbols(want, record);
    check_same(want, got);
    // The record decodes to the same view again.
    symbols_view again;
    REQUIRE(decode_symbols(record, again));
    check_same(want, again);
    ++files;
    functions += want.functions.size();
  }
  CHECK(files >= 10);
  CHECK(functions >= 50);
}

TEST_CASE("a moved symbols view keeps its texts", "[symbols_view]") {
  auto want = extract("__all__ = ['f']\n"
                      "class C(Base, metaclass=M):\n"
                      "    '''A class.'''\n"
                      "    @property\n"
                      "    def m(self, a: int, *rest, **kw) -> str:\n"
                      "        import os\n"
                      "        return os.path.join(self.x, a)\n"
                      "def f():\n    return C().m(1)\n"
                      "f()\n");
  REQUIRE(want.functions.size() == 2);
  auto view = view_of(want);
  symbols_view moved = std::move(view);
  check_same(want, moved);
  std::vector<symbols_view> many;
  for (int i = 0; i < 20; ++i)
    many.push_back(view_of(want)); // the vector's growth moves them
  for (const auto& v : many)
    check_same(want, v);
  CHECK(moved.memory_bytes() > sizeof(symbols_view));
  CHECK(texts(moved.functions[0].params) == std::vector<std::string>{"self", "a", "rest", "kw"});
}

TEST_CASE("damaged symbols records do not decode", "[symbols_view]") {
  auto record = encode_symbols(extract("def f(a, b):\n    return g(a) + h(b)\n"));
  symbols_view out;
  CHECK_FALSE(decode_symbols("", out));
  CHECK_FALSE(decode_symbols(std::string_view{record}.substr(0, record.size() - 8), out));
  CHECK_FALSE(decode_symbols(record + std::string(8, '\0'), out));
  CHECK_FALSE(decode_symbols(std::string(record.size(), '\xff'), out));
  // Any flipped byte: decodes or not, never crashes or reads out of bounds.
  for (std::size_t i = 0; i < record.size(); ++i) {
    auto damaged = record;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
    symbols_view v;
    (void) decode_symbols(damaged, v);
  }
  REQUIRE(decode_symbols(record, out));
  REQUIRE(out.functions.size() == 1);
  CHECK(texts(out.functions[0].calls) == std::vector<std::string>{"g", "h"});
}

TEST_CASE("a large symbols record is one segment", "[symbols_view]") {
  // Far past the builder's first segment (8 KiB): the record is copied
  // into one segment, which a reader follows without locked lookups.
  std::string text;
  for (int i = 0; i < 400; ++i)
    text += "def function_number_" + std::to_string(i) + "(alpha, beta, gamma=None):\n"
            "    \"\"\"Docstring of function " + std::to_string(i) + ".\"\"\"\n"
            "    return helper_call(alpha, beta).attribute_access + gamma\n";
  auto want = extract(text);
  REQUIRE(want.functions.size() == 400);
  std::string record;
  auto got = view_symbols(want, record);
  REQUIRE(record.size() > 64 * 1024);
  // Flat-array form: the first word's low half is the segment count - 1.
  CHECK(record.substr(0, 4) == std::string(4, '\0'));
  check_same(want, got);
}
