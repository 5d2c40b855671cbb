// File: reporting a test as skipped when it cannot check what it is for (a
// tool missing, a privilege the machine does not grant): the executable
// then exits with skip_return_code, which ctest shows as "Skipped", never as
// passed.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace troupe::test {

/// The exit code troupe_add_test registers as SKIP_RETURN_CODE.
constexpr int skip_return_code = 77;

/// Reasons given by skipped test cases (defined in catch_main.cpp).
std::vector<std::string>& skipped_reasons();

} // namespace troupe::test

/// Ends the current test case as skipped, with the reason shown by ctest.
#define TROUPE_SKIP(reason)                                                  \
  do {                                                                       \
    ::troupe::test::skipped_reasons().push_back(reason);                     \
    WARN("skipped: " << (reason));                                           \
    return;                                                                  \
  } while (false)
