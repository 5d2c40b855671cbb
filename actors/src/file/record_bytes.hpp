// File: the Cap'n Proto plumbing every built-in record shares: a message to
// its bytes, and bytes back to a root reader, defended against damaged input
// the same way as decode_symbols.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>
#include <kj/exception.h>

namespace troupe::actors::detail {

/// The message in flat-array form (the record's bytes), in one segment: a
/// builder grows by segments (the first holds 8 KiB), and a reader follows
/// a pointer into another segment through a locked lookup, which was a
/// fifth of decoding a large symbols record. A message of several segments
/// is copied into one first.
inline std::string message_bytes(capnp::MessageBuilder& message) {
  auto flat = [](capnp::MessageBuilder& m) {
    auto words = capnp::messageToFlatArray(m);
    auto bytes = words.asBytes();
    return std::string{reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
  };
  auto segments = message.getSegmentsForOutput();
  if (segments.size() <= 1)
    return flat(message);
  std::size_t words = 0;
  for (auto segment : segments)
    words += segment.size();
  // The copy needs no far pointers, so the total is room enough.
  capnp::MallocMessageBuilder single{static_cast<unsigned>(words + 1),
                                     capnp::AllocationStrategy::FIXED_SIZE};
  single.getRoot<capnp::AnyPointer>().setAs<capnp::AnyPointer>(
    message.getRoot<capnp::AnyPointer>().asReader());
  return flat(single);
}

/// Reads `bytes` as one message with a `Root` root and hands the root to
/// `read`; false when the bytes are not exactly one well-formed message (empty,
/// not whole words, truncated, trailing data, a pointer or text out of bounds)
/// or when `read` returns false. `read` must copy what it keeps.
template <class Root, class Read>
[[nodiscard]] bool read_record(std::string_view bytes, Read&& read) {
  constexpr auto word = sizeof(capnp::word);
  if (bytes.empty() || bytes.size() % word != 0)
    return false;
  // Cap'n Proto reads aligned words; heap buffers are aligned, anything else
  // (a record inside a larger blob) is copied once.
  // (capnp::word cannot be copied, so no std::vector of them: clang's
  // libstdc++ checks refuse it.)
  kj::Array<capnp::word> copy;
  auto* words = reinterpret_cast<const capnp::word*>(bytes.data());
  auto count = bytes.size() / word;
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(capnp::word) != 0) {
    copy = kj::heapArray<capnp::word>(count);
    std::memcpy(copy.begin(), bytes.data(), bytes.size());
    words = copy.begin();
  }
  try {
    capnp::ReaderOptions limits;
    // A message cannot legitimately make us read more than a few times its
    // own size; this stops amplification by overlapping pointers.
    limits.traversalLimitInWords = count * 4 + 1024;
    capnp::FlatArrayMessageReader reader{kj::arrayPtr(words, count), limits};
    if (reader.getEnd() != words + count)
      return false;
    return read(reader.getRoot<Root>());
  } catch (const kj::Exception&) {
    return false;
  }
}

} // namespace troupe::actors::detail
