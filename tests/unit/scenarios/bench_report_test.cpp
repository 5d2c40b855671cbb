// The report formats of `troupe bench` (bench.json read back as a
// baseline, bench.md, bench.html) and the claims table built from
// synthetic results.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "troupe/scenarios/bench_report.hpp"
#include "troupe/scenarios/statistics.hpp"

using namespace troupe::scenarios;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path()
         / ("troupe-bench-report-" + std::to_string(::getpid()) + "-" + name);
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out{p, std::ios::binary | std::ios::trunc};
  out << text;
}

variant_result variant(const std::string& name, std::vector<double> samples) {
  variant_result v;
  v.name = name;
  v.median_s = median(samples);
  v.samples_s = std::move(samples);
  return v;
}

scenario_result measured(const std::string& name, const std::string& base,
                         std::vector<double> base_s, const std::string& cand,
                         std::vector<double> cand_s) {
  scenario_result r;
  r.name = name;
  r.baseline = base;
  r.candidate = cand;
  r.variants = {variant(base, std::move(base_s)), variant(cand, std::move(cand_s))};
  r.speedup = r.variants[0].median_s / r.variants[1].median_s;
  r.ci95 = speedup_ci95(r.variants[0].samples_s, r.variants[1].samples_s);
  r.few_samples = r.variants[0].samples_s.size() < min_samples_for_interval
                  || r.variants[1].samples_s.size() < min_samples_for_interval;
  r.verdict = "measured";
  return r;
}

const claim_row& row(const std::vector<claim_row>& rows, const std::string& prefix) {
  auto i = std::find_if(rows.begin(), rows.end(),
                        [&](const claim_row& r) { return r.claim.rfind(prefix, 0) == 0; });
  REQUIRE(i != rows.end());
  return *i;
}

/// A report with: network measured from 5 samples, codegen from 3, the
/// remote round trip at a cost ratio of 1.1, l3_latency with its metrics,
/// and orchestration not measurable here.
bench_report sample_report() {
  bench_report report;
  report.machine.cpu_model = "Test CPU";
  report.machine.logical_cpus = 2;
  report.settings.samples = 5;
  report.settings.workers = 2;
  report.results.push_back(
    measured("network", "sequential", {5, 5, 5, 5, 5}, "pooled_16", {0.5, 0.5, 0.5, 0.5, 0.5}));
  report.results.push_back(measured("codegen", "parsed", {3, 3.3, 2.7}, "compiled", {1, 1.1, 0.9}));
  report.results.push_back(measured("remote_round_trip", "caf_remote", {0.1, 0.1, 0.1, 0.1, 0.1},
                                    "troupe_lane", {0.11, 0.11, 0.11, 0.11, 0.11}));
  scenario_result l3;
  l3.name = "l3_latency";
  l3.candidate = "tiers";
  l3.variants = {variant("tiers", {0.1, 0.1, 0.1, 0.1, 0.1})};
  l3.variants[0].metric_samples["l3_hit_p50_us"] = {150, 160, 140, 155, 150};
  l3.verdict = "hit p50: ...";
  report.results.push_back(l3);
  scenario_result orch;
  orch.name = "orchestration";
  orch.unavailable = "pyflakes is not installed";
  report.results.push_back(orch);
  report.claims = claims_table(report.results, 2);
  return report;
}

} // namespace

TEST_CASE("the claims table judges measured rows and says why the others have no figure") {
  auto report = sample_report();
  const auto& claims = report.claims;
  const auto& net = row(claims, "4.5x network");
  CHECK(net.status == claim_status::confirmed);
  CHECK(net.value == Approx(10));
  CHECK_FALSE(net.few_samples);
  const auto& gen = row(claims, "3x code generation");
  CHECK(gen.status == claim_status::met_by_median);
  CHECK(gen.few_samples);
  CHECK(gen.verdict.find("fewer than 5 samples: indicative") != std::string::npos);
  const auto& rtt = row(claims, "remote round trip");
  CHECK(rtt.value == Approx(1.1));
  CHECK_FALSE(rtt.higher_is_better);
  CHECK(rtt.status == claim_status::confirmed);
  const auto& l3 = row(claims, "L3 hit about 5 ms");
  CHECK(l3.value == Approx(0.15));
  CHECK(l3.status == claim_status::confirmed);
  const auto& l3_required = row(claims, "L3 hit on another node at most 400 us");
  CHECK(l3_required.value == Approx(150));
  CHECK(l3_required.status == claim_status::confirmed);
  const auto& orch = row(claims, "4x agent orchestration");
  CHECK(orch.status == claim_status::not_measurable);
  CHECK(orch.verdict == "not measurable here: orchestration: pyflakes is not installed");
  const auto& overall = row(claims, "5-8x overall");
  CHECK(overall.verdict.find("was not run (troupe bench --scenario overall)") != std::string::npos);
  const auto& cluster = row(claims, "a run on 3 nodes");
  CHECK(cluster.status == claim_status::not_measurable);
  CHECK(cluster.verdict.find("was not run (troupe bench --scenario cluster)")
        != std::string::npos);
  const auto& sim = row(claims, "parallel efficiency 85% at 4 workers");
  CHECK(sim.simulated);
}

TEST_CASE("the cluster rows: 3 nodes' cost against 1.15x, a warm L3's speedup against 10x") {
  std::vector<scenario_result> results{
    measured("cluster", "one_node", {1, 1, 1, 1, 1}, "three_nodes", {1.1, 1.1, 1.1, 1.1, 1.1}),
    measured("l3_warm", "cold", {5, 5, 5, 5, 5}, "l3_warm", {0.4, 0.4, 0.4, 0.4, 0.4})};
  auto claims = claims_table(results, 2);
  const auto& cluster = row(claims, "a run on 3 nodes");
  CHECK(cluster.value == Approx(1.1));
  CHECK_FALSE(cluster.higher_is_better);
  CHECK(cluster.status == claim_status::confirmed);
  const auto& warm = row(claims, "cold node with a warm L3");
  CHECK(warm.value == Approx(12.5));
  CHECK(warm.status == claim_status::confirmed);
  results[0] = measured("cluster", "one_node", {1, 1, 1, 1, 1}, "three_nodes",
                        {1.3, 1.3, 1.3, 1.3, 1.3});
  results[1] = measured("l3_warm", "cold", {5, 5, 5, 5, 5}, "l3_warm", {1, 1, 1, 1, 1});
  claims = claims_table(results, 2);
  CHECK(row(claims, "a run on 3 nodes").status == claim_status::not_reached);
  CHECK(row(claims, "cold node with a warm L3").status == claim_status::not_reached);
}

TEST_CASE("a remote round trip above 1.2x raw CAF's is not reached") {
  std::vector<scenario_result> results{measured("remote_round_trip", "caf_remote",
                                                {0.1, 0.1, 0.1, 0.1, 0.1}, "troupe_lane",
                                                {0.14, 0.14, 0.14, 0.14, 0.14})};
  auto claims = claims_table(results, 2); // `row` refers into it
  const auto& rtt = row(claims, "remote round trip");
  CHECK(rtt.value == Approx(1.4));
  CHECK(rtt.status == claim_status::not_reached);
}

TEST_CASE("bench.json is read back as a baseline with every sample") {
  auto report = sample_report();
  auto path = temp_file("bench.json");
  write(path, to_bench_json(report));
  auto loaded = load_bench_json(path.string());
  REQUIRE(loaded);
  REQUIRE(loaded->size() == report.results.size());
  const auto& codegen = (*loaded)[1];
  CHECK(codegen.name == "codegen");
  CHECK(codegen.baseline == "parsed");
  CHECK(codegen.candidate == "compiled");
  REQUIRE(codegen.find("parsed"));
  CHECK(codegen.find("parsed")->samples_s == std::vector<double>{3, 3.3, 2.7});
  CHECK((*loaded)[4].unavailable == "pyflakes is not installed");
  auto again = compare_with_baseline(report.results, *loaded, 0.05);
  CHECK_FALSE(again.any_regression());
  std::filesystem::remove(path);
}

TEST_CASE("a baseline that is not a bench.json is refused naming the file and the fault") {
  auto missing = load_bench_json(temp_file("none.json").string());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message().find("cannot read baseline") != std::string::npos);
  CHECK(missing.error().message().find("none.json") != std::string::npos);
  auto garbled = temp_file("garbled.json");
  write(garbled, "{\"scenarios\": [");
  auto bad = load_bench_json(garbled.string());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message().find("is not JSON (at byte") != std::string::npos);
  write(garbled, "{\"results\": []}");
  auto other = load_bench_json(garbled.string());
  REQUIRE_FALSE(other);
  CHECK(other.error().message().find("has no \"scenarios\" array") != std::string::npos);
  std::filesystem::remove(garbled);
}

TEST_CASE("bench.md marks intervals from fewer than 5 samples and lists every claim") {
  auto report = sample_report();
  auto md = to_bench_markdown(report);
  CHECK(md.find("Test CPU, 2 logical CPUs") != std::string::npos);
  for (const auto& c : report.claims)
    CHECK(md.find("| " + c.claim + " |") != std::string::npos);
  // codegen's row (3 samples) is marked, network's (5) is not.
  auto codegen = md.find("| 3x code generation");
  REQUIRE(codegen != std::string::npos);
  auto line = md.substr(codegen, md.find('\n', codegen) - codegen);
  CHECK(line.find("(n<5)") != std::string::npos);
  auto network = md.find("| 4.5x network");
  auto net_line = md.substr(network, md.find('\n', network) - network);
  CHECK(net_line.find("(n<5)") == std::string::npos);
}

TEST_CASE("bench.html is self-contained with a bar and whiskers per measured scenario") {
  auto report = sample_report();
  auto html = to_bench_html(report);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  std::size_t bars = 0;
  for (auto at = html.find("<g class=\"bar\""); at != std::string::npos;
       at = html.find("<g class=\"bar\"", at + 1))
    ++bars;
  CHECK(bars == 3); // network, codegen, remote_round_trip; l3_latency has no baseline
  CHECK(html.find("data-scenario=\"codegen\" data-speedup=\"3.0000\"") != std::string::npos);
  CHECK(html.find("data-few=\"1\"") != std::string::npos);
  CHECK(html.find("<table class=\"claims\">") != std::string::npos);
  CHECK(html.find("was not run (troupe bench --scenario cluster)") != std::string::npos);
}
