// Two workers against one on the corpus, measured side by side in one test.
// The figure itself is `troupe bench --scenario multi_file`'s to report; this
// test only guards against losing the parallelism, with a wide margin.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "troupe_process.hpp"

using namespace troupe::test;

namespace {

double run_seconds(const temp_dir& tmp, int workers) {
  auto report = (tmp.path / ("w" + std::to_string(workers) + ".json")).string();
  auto r = run({troupe_binary(), "run", "/usr/lib/python3.11", "--workers",
                std::to_string(workers), "--json", report, "--quiet", "--no-cache"});
  REQUIRE(r.exit_code == 0);
  std::ifstream in{report};
  return nlohmann::json::parse(in)["run"]["wall_seconds"].get<double>();
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

} // namespace

TEST_CASE("two workers parse the corpus markedly faster than one", "[perf]") {
  temp_dir tmp;
  run_seconds(tmp, 2); // warm the page cache
  std::vector<double> one;
  std::vector<double> two;
  for (int i = 0; i < 3; ++i) {
    one.push_back(run_seconds(tmp, 1));
    two.push_back(run_seconds(tmp, 2));
  }
  auto speedup = median(one) / median(two);
  INFO("1 worker " << median(one) << " s, 2 workers " << median(two) << " s, speedup "
                   << speedup);
  CHECK(speedup > 1.4);
}
