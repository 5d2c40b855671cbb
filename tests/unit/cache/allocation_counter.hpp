// File: counts heap allocations of the current thread (tests only; the
// test binary that links allocation_counter.cpp replaces operator new).
#pragma once

#include <cstddef>

namespace troupe::cache::test {

/// Counts `operator new` calls of this thread from construction to `stop`.
class allocation_counter {
public:
  /// Whether counting works in this build (not under sanitizers).
  static bool available() noexcept;

  allocation_counter();
  ~allocation_counter();

  /// Stops counting and returns the number of allocations seen.
  std::size_t stop();
};

} // namespace troupe::cache::test
