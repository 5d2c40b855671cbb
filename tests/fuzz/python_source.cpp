// Fuzzing the Python source decoder (BOM, PEP 263 coding cookies, the
// single-byte code pages, strict UTF-8, lone CR): whatever the bytes, the
// result is either text that is valid UTF-8 with as many lines as the input
// had, or a skip reason; the text then parses under a small budget.
#include <chrono>
#include <string>

#include "fuzz_input.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"
#include "troupe/actors/source/utf8_text.hpp"

namespace {

std::size_t lines_of(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')))
      ++n;
  return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace troupe::actors;
  using troupe::fuzz::expect;
  auto input = troupe::fuzz::bytes(data, size);
  auto source = decode_python_source(input, 1u << 20);
  if (source.status != source_status::ok)
    return 0;
  expect(is_utf8(source.text), "decoded text is UTF-8");
  expect(lines_of(source.text) == lines_of(input), "line numbers are kept");
  static python_parser parser;
  parse_limits limits;
  limits.time = std::chrono::milliseconds(200);
  limits.memory = 64u << 20;
  auto parsed = parser.parse(source.text, limits);
  if (parsed.outcome == parse_outcome::done)
    expect(static_cast<bool>(parsed.tree), "a finished parse has a tree");
  return 0;
}
