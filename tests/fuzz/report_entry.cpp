// Fuzzing the report-entry unpacker: the input is a packed entry as the
// cache would hand it over (length, LZ4 block). Unpacking must never read
// or write out of bounds, whatever the stated length; an entry that
// unpacks gives two objects that pack back to an entry unpacking the same.
#include <string>

#include "fuzz_input.hpp"
#include "troupe/analysis/internal/report_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using troupe::fuzz::expect;
  auto input = troupe::fuzz::bytes(data, size);
  static std::string buffer; // reused across inputs, as a worker reuses it
  std::string_view head, tail;
  if (!troupe::detail::unpack_report_entry(input, buffer, head, tail))
    return 0;
  expect(head.size() >= 2 && head.front() == '{' && head.back() == '}', "symbols part");
  expect(tail.size() >= 2 && tail.front() == '{' && tail.back() == '}', "records part");
  std::string text{head};
  text += '\n';
  text += tail;
  auto packed = troupe::detail::pack_report_entry(text);
  std::string again;
  std::string_view head2, tail2;
  expect(troupe::detail::unpack_report_entry(packed, again, head2, tail2), "repacked unpacks");
  expect(head2 == head && tail2 == tail, "repacked holds the same parts");
  return 0;
}
