#include "allocation_counter.hpp"

#include <cstdlib>
#include <new>

namespace {

thread_local bool counting = false;
thread_local std::size_t allocations = 0;

} // namespace

// Sanitizers bring their own operator new; replacing it there trips their
// allocation-mismatch checks, so counting is off in such builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define TROUPE_COUNT_ALLOCATIONS 0
#else
#  define TROUPE_COUNT_ALLOCATIONS 1
#endif

#if TROUPE_COUNT_ALLOCATIONS

void* operator new(std::size_t size) {
  if (counting)
    ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size))
    return p;
  throw std::bad_alloc{};
}

void operator delete(void* p) noexcept {
  std::free(p);
}

void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

#endif

namespace troupe::cache::test {

bool allocation_counter::available() noexcept {
  return TROUPE_COUNT_ALLOCATIONS != 0;
}

allocation_counter::allocation_counter() {
  allocations = 0;
  counting = true;
}

allocation_counter::~allocation_counter() {
  counting = false;
}

std::size_t allocation_counter::stop() {
  counting = false;
  return allocations;
}

} // namespace troupe::cache::test
