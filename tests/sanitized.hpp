// File: whether this build runs under AddressSanitizer or ThreadSanitizer
// (their shadow memory, and ASan's quarantine, multiply a process's
// resident size, so a test of peak RSS cannot check what it is for there
// and reports itself skipped).
#pragma once

#if defined(__has_feature)
#define TROUPE_TEST_HAS_FEATURE(x) __has_feature(x)
#else
#define TROUPE_TEST_HAS_FEATURE(x) 0
#endif

namespace troupe::test {

#if defined(__SANITIZE_ADDRESS__) || TROUPE_TEST_HAS_FEATURE(address_sanitizer)
constexpr bool address_sanitized = true;
#else
constexpr bool address_sanitized = false;
#endif

#if defined(__SANITIZE_THREAD__) || TROUPE_TEST_HAS_FEATURE(thread_sanitizer)
constexpr bool thread_sanitized = true;
#else
constexpr bool thread_sanitized = false;
#endif

/// Whether a sanitizer's shadow memory counts in this process's resident
/// size.
constexpr bool memory_shadowed = address_sanitized || thread_sanitized;

} // namespace troupe::test
