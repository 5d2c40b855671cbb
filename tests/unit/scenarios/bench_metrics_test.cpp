// The figures `troupe bench` collects besides times (variant metrics, cost
// ratios) and how they reach bench.json.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include "run_metrics.hpp"
#include "troupe/scenarios/bench_report.hpp"
#include "troupe/scenarios/bench_runner.hpp"

using namespace troupe::scenarios;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path()
         / ("troupe-bench-metrics-" + std::to_string(::getpid()) + "-" + name);
}

/// A variant whose child prints `text` and whose sample is `sample_s`.
variant_spec printing(const std::string& name, const std::string& text) {
  variant_spec v;
  v.name = name;
  v.command = {"/bin/sh", "-c", "echo '" + text + "'"};
  v.inner_sample = true;
  v.metrics = [](const std::string& out) { return detail::stdout_metrics(out); };
  return v;
}

} // namespace

TEST_CASE("stdout metrics are the numeric name=value tokens except the sample") {
  auto m = detail::stdout_metrics("mode=warm hits=1654 stage_s=0.03 l1_hit_p50_us=1.5\n"
                                  "junk =3 x= y=abc\nsample_s=0.03\n");
  CHECK(m.size() == 3);
  CHECK(m.at("hits") == 1654);
  CHECK(m.at("stage_s") == Approx(0.03));
  CHECK(m.at("l1_hit_p50_us") == Approx(1.5));
  CHECK(m.count("mode") == 0);
  CHECK(m.count("sample_s") == 0);
}

TEST_CASE("report metrics read cache figures and phases, never the files") {
  auto path = temp_file("report.json");
  {
    std::ofstream out{path};
    out << R"({"run":{"files":3,"phases_s":{"walk":0.5,"analyse":2},"cache":{)"
        << R"("l1":{"hits":1,"hit_latency_us":{"p50":0.25,"p99":2}},)"
        << R"("l2":{"hits":0,"hit_latency_us":{"p50":0,"p99":0},"corrupt":1}}},)"
        << R"("agents":[{"id":"other","cache_hits":4},)"
        << R"({"id":"symbols","cache_hits":1,"cache_misses":3,"stage_seconds":1.5}],)"
        << R"("files":[{"path":"a.py","hits":99}]})";
  }
  auto m = detail::report_metrics(path.string());
  std::filesystem::remove(path);
  CHECK(m.at("files") == 3);
  CHECK(m.at("l1_hits") == 1);
  CHECK(m.at("l1_hit_p50_us") == Approx(0.25));
  CHECK(m.at("l1_hit_p99_us") == 2);
  CHECK(m.count("l2_hit_p50_us") == 0); // no L2 hit: no latency to report
  CHECK(m.at("corrupt") == 1);
  CHECK(m.at("hit_rate") == Approx(0.25));
  CHECK(m.at("stage_s") == Approx(1.5));
  CHECK(m.at("phase_analyse_s") == 2);
  CHECK(detail::report_metrics(temp_file("missing.json").string()).empty());
}

TEST_CASE("a cost-ratio scenario states the candidate's share and keeps metrics") {
  scenario_spec s;
  s.name = "cost";
  s.baseline = "cold";
  s.candidate = "warm";
  s.max_cost_ratio = 0.15;
  s.notes = {"how to read it"};
  s.variants = {printing("cold", "sample_s=1.0 hits=0"), printing("warm", "sample_s=0.2 hits=9")};
  bench_options bo;
  bo.samples = 3;
  bo.warmups = 0;
  auto r = run_scenario(s, bo);
  REQUIRE(r.error.empty());
  CHECK(r.speedup == Approx(5));
  CHECK(r.verdict.find("warm costs 20.0% of cold") == 0);
  CHECK(r.verdict.find("ABOVE the required <= 15.0%") != std::string::npos);
  CHECK(r.variants[1].metrics.at("hits") == 9);
  bench_report report;
  report.results = {r};
  auto j = nlohmann::json::parse(to_bench_json(report));
  const auto& js = j["scenarios"][0];
  CHECK(js["cost_ratio"]["value"].get<double>() == Approx(0.2));
  CHECK(js["cost_ratio"]["max"].get<double>() == Approx(0.15));
  CHECK(js["notes"][0] == "how to read it");
  CHECK(js["variants"][1]["metrics"]["hits"] == 9);
  CHECK(to_bench_markdown(report).find("warm (medians): hits 9;") != std::string::npos);
}
