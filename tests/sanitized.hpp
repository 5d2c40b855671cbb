// File: whether this build runs under AddressSanitizer (its shadow memory
// and quarantine multiply a process's resident size, so a test of peak RSS
// cannot check what it is for there and reports itself skipped).
#pragma once

namespace troupe::test {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool address_sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool address_sanitized = true;
#else
constexpr bool address_sanitized = false;
#endif
#else
constexpr bool address_sanitized = false;
#endif

} // namespace troupe::test
