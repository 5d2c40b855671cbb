// File: what every fuzzing harness shares: the entry point libFuzzer calls,
// and a check that fails loudly (abort: libFuzzer and the replay driver both
// report it as a crash with the input that caused it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

/// The harness: called once per input, by libFuzzer or by replay_main.cpp.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace troupe::fuzz {

/// The input as bytes.
inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// An invariant of the code under test; aborts with `what` when it fails.
inline void expect(bool holds, const char* what) {
  if (!holds) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

} // namespace troupe::fuzz
