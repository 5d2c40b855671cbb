// The main() of every Catch2 test executable: Catch2's session, and the exit
// code ctest reads as "skipped" (SKIP_RETURN_CODE, see troupe_add_test) when
// a test case could not check what it is for and said so with test_skip.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "test_skip.hpp"

namespace troupe::test {

std::vector<std::string>& skipped_reasons() {
  static std::vector<std::string> reasons;
  return reasons;
}

} // namespace troupe::test

int main(int argc, char* argv[]) {
  int failed = Catch::Session().run(argc, argv);
  const auto& skipped = troupe::test::skipped_reasons();
  if (failed != 0 || skipped.empty())
    return failed;
  for (const auto& why : skipped)
    std::fprintf(stderr, "SKIPPED: %s\n", why.c_str());
  return troupe::test::skip_return_code;
}
