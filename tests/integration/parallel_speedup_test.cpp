// Two workers against one on the corpus, measured side by side in one test.
// The figure itself is `troupe bench --scenario multi_file`'s to report; this
// test only guards against losing the parallelism, with a wide margin.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "troupe_process.hpp"

using namespace troupe::test;

namespace {

/// Busy CPU seconds of the whole machine so far (all cores, /proc/stat).
double machine_busy_seconds() {
  std::ifstream in{"/proc/stat"};
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// CPU seconds used by this process's finished children so far.
double children_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

double run_seconds(const temp_dir& tmp, int workers) {
  auto report = (tmp.path / ("w" + std::to_string(workers) + ".json")).string();
  auto r = run({troupe_binary(), "run", "/usr/lib/python3.11", "--workers",
                std::to_string(workers), "--json", report, "--quiet", "--no-cache", "--out",
                (tmp.path / ("out" + std::to_string(workers))).string()});
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
  // CPU the rest of the machine used while troupe ran: with 2 cores, a
  // speedup can only be judged when troupe had them.
  double busy_before = machine_busy_seconds();
  double ours_before = children_cpu_seconds();
  for (int i = 0; i < 3; ++i) {
    one.push_back(run_seconds(tmp, 1));
    two.push_back(run_seconds(tmp, 2));
  }
  double others = (machine_busy_seconds() - busy_before) - (children_cpu_seconds() - ours_before);
  double elapsed = 0;
  for (auto s : one)
    elapsed += s;
  for (auto s : two)
    elapsed += s;
  auto speedup = median(one) / median(two);
  INFO("1 worker " << median(one) << " s, 2 workers " << median(two) << " s, speedup "
                   << speedup << "; other processes used " << others << " CPU s in "
                   << elapsed << " s");
  if (others > 0.25 * elapsed) {
    TROUPE_SKIP("inconclusive: other processes kept a core busy "
                + std::to_string(static_cast<int>(others / elapsed * 100))
                + "% of the time; run `troupe bench --scenario multi_file` on a quiet machine");
  }
  CHECK(speedup > 1.4);
}
