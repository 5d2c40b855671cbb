// A report entry's packed form (LZ4, length first): the text back exactly,
// a reused buffer, and damaged packs refused without reading out of bounds.
#include "troupe/analysis/internal/report_entry.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using troupe::detail::pack_report_entry;
using troupe::detail::unpack_report_entry;

namespace {

std::string sample_entry(std::size_t functions) {
  std::string head = R"({"functions":[)";
  for (std::size_t i = 0; i < functions; ++i)
    head += (i ? "," : "") + std::string{R"({"qualname":"C.m)"} + std::to_string(i)
            + R"(","line":)" + std::to_string(10 * i + 1) + "}";
  return head + R"(],"classes":[]})" + "\n" + R"({"size":{"total":)"
         + std::to_string(functions) + "}}";
}

} // namespace

TEST_CASE("a packed report entry unpacks to its text", "[report_entry]") {
  std::string buffer;
  for (std::size_t n : {0, 1, 7, 300, 20000}) {
    INFO(n);
    auto text = sample_entry(n);
    auto packed = pack_report_entry(text);
    if (n >= 300)
      CHECK(packed.size() < text.size() / 2); // repetitive JSON compresses
    std::string_view head, tail;
    REQUIRE(unpack_report_entry(packed, buffer, head, tail));
    CHECK(std::string{head} + "\n" + std::string{tail} == text);
  }
  // The buffer grew for the largest and is reused for a smaller one.
  auto capacity = buffer.size();
  std::string_view head, tail;
  REQUIRE(unpack_report_entry(pack_report_entry("{}\n{}"), buffer, head, tail));
  CHECK(head == "{}");
  CHECK(tail == "{}");
  CHECK(buffer.size() == capacity);
}

TEST_CASE("damaged packed entries are refused", "[report_entry]") {
  auto text = sample_entry(50);
  auto packed = pack_report_entry(text);
  std::string buffer;
  std::string_view head, tail;
  CHECK_FALSE(unpack_report_entry("", buffer, head, tail));
  CHECK_FALSE(unpack_report_entry("abc", buffer, head, tail));
  CHECK_FALSE(unpack_report_entry(packed.substr(0, packed.size() - 5), buffer, head, tail));
  CHECK_FALSE(unpack_report_entry(packed + "xyz", buffer, head, tail));
  auto longer = packed;
  longer[0] = static_cast<char>(longer[0] + 1); // the length says one more byte
  CHECK_FALSE(unpack_report_entry(longer, buffer, head, tail));
  // Packed well, but not two objects on two lines.
  CHECK_FALSE(unpack_report_entry(pack_report_entry("{\"functions\":[]}"), buffer, head, tail));
  auto huge = packed;
  huge[3] = static_cast<char>(0x7f); // a length past LZ4's limit
  CHECK_FALSE(unpack_report_entry(huge, buffer, head, tail));
  auto inflated = packed;
  inflated[3] = static_cast<char>(0x10); // 256 MiB from a few hundred bytes
  CHECK_FALSE(unpack_report_entry(inflated, buffer, head, tail));
  CHECK(buffer.size() < (1u << 20)); // and no buffer of that size
  // Flipped bytes: refused, or some text of the stated length; never a
  // read or write out of bounds (run under the sanitizers too).
  std::mt19937 rng{7};
  for (int i = 0; i < 2000; ++i) {
    auto damaged = packed;
    damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    if (unpack_report_entry(damaged, buffer, head, tail))
      CHECK(head.size() + tail.size() < buffer.size());
  }
}
