#include "troupe/cache/latency_histogram.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace troupe::cache;
using std::chrono::nanoseconds;

TEST_CASE("latency_histogram reports quantiles within its resolution") {
  latency_histogram h;
  CHECK(h.quantile(0.5) == nanoseconds{0});
  for (int i = 1; i <= 1000; ++i)
    h.record(nanoseconds{i * 100}); // 100 ns .. 100 us
  CHECK(h.count() == 1000);
  auto near = [](nanoseconds got, double want) {
    return std::abs(static_cast<double>(got.count()) - want) <= want * 0.0625;
  };
  CHECK(near(h.quantile(0.5), 50'000));
  CHECK(near(h.quantile(0.99), 99'000));
  CHECK(h.max() == nanoseconds{100'000});
  CHECK(h.mean() == nanoseconds{50'050});
  latency_histogram small;
  for (int i = 0; i < 10; ++i)
    small.record(nanoseconds{7});
  CHECK(small.quantile(0.5) == nanoseconds{7});
  small.merge(h);
  CHECK(small.count() == 1010);
  CHECK(small.quantile(0.0) == nanoseconds{7});
}
