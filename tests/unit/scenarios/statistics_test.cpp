// The statistics `troupe bench` reports (medians, bootstrap intervals), the
// regression rule of --baseline and the claims' verdicts, on synthetic
// samples with known answers.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "troupe/scenarios/baseline.hpp"
#include "troupe/scenarios/claims.hpp"
#include "troupe/scenarios/statistics.hpp"

using namespace troupe::scenarios;

namespace {

/// `n` samples around `centre` with a relative spread of `spread` (uniform,
/// fixed seed).
std::vector<double> around(double centre, double spread, std::size_t n, unsigned seed) {
  std::mt19937 rng{seed};
  std::uniform_real_distribution<double> d{1 - spread, 1 + spread};
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(centre * d(rng));
  return out;
}

variant_result variant(const std::string& name, std::vector<double> samples) {
  variant_result v;
  v.name = name;
  v.median_s = median(samples);
  v.samples_s = std::move(samples);
  return v;
}

/// A measured scenario: the baseline variant "slow", the candidate "fast".
scenario_result scenario(std::vector<double> slow, std::vector<double> fast) {
  scenario_result r;
  r.name = "s";
  r.baseline = "slow";
  r.candidate = "fast";
  r.variants = {variant("slow", std::move(slow)), variant("fast", std::move(fast))};
  r.speedup = r.variants[0].median_s / r.variants[1].median_s;
  r.ci95 = speedup_ci95(r.variants[0].samples_s, r.variants[1].samples_s);
  return r;
}

const figure_change& change(const baseline_comparison& c, const std::string& figure) {
  for (const auto& x : c.changes)
    if (x.figure == figure)
      return x;
  FAIL("no figure " << figure);
  return c.changes.front();
}

} // namespace

TEST_CASE("median and quantiles interpolate between the sorted samples") {
  CHECK(median({}) == 0);
  CHECK(median({3}) == 3);
  CHECK(median({5, 1, 3}) == 3);
  CHECK(median({4, 1, 3, 2}) == Approx(2.5));
  CHECK(quantile({10, 20, 30, 40, 50}, 0) == 10);
  CHECK(quantile({10, 20, 30, 40, 50}, 1) == 50);
  CHECK(quantile({10, 20, 30, 40, 50}, 0.25) == 20);
  CHECK(quantile({10, 20, 30, 40, 50}, 0.1) == Approx(14));
}

TEST_CASE("bootstrap intervals: exact for constant samples, bounded by the data otherwise") {
  SECTION("constant samples give a zero-width interval at the value") {
    auto ci = median_ci95({2.5, 2.5, 2.5, 2.5, 2.5});
    CHECK(ci.first == 2.5);
    CHECK(ci.second == 2.5);
    auto s = speedup_ci95({6, 6, 6, 6, 6}, {2, 2, 2, 2, 2});
    CHECK(s.first == Approx(3));
    CHECK(s.second == Approx(3));
  }
  SECTION("a median's interval lies within the samples and holds the median") {
    std::vector<double> xs{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    auto ci = median_ci95(xs);
    CHECK(ci.first >= 1);
    CHECK(ci.second <= 11);
    CHECK(ci.first <= 6);
    CHECK(ci.second >= 6);
    // The middle 95% of bootstrap medians of 11 values: well inside the range.
    CHECK(ci.first >= 3);
    CHECK(ci.second <= 9);
  }
  SECTION("a ratio's interval lies between the extreme ratios and holds the point estimate") {
    auto base = around(10, 0.1, 9, 1);
    auto cand = around(2, 0.1, 9, 2);
    auto point = median(base) / median(cand);
    auto ci = speedup_ci95(base, cand);
    CHECK(ci.first <= point);
    CHECK(ci.second >= point);
    CHECK(ci.first >= 9.0 / 2.2);
    CHECK(ci.second <= 11.0 / 1.8);
    CHECK(point == Approx(5).epsilon(0.15));
  }
  SECTION("a fixed seed makes the interval reproducible; an empty side gives none") {
    auto base = around(3, 0.3, 7, 3);
    auto cand = around(1, 0.3, 7, 4);
    CHECK(speedup_ci95(base, cand) == speedup_ci95(base, cand));
    CHECK(speedup_ci95(base, {}) == std::pair<double, double>{0, 0});
    CHECK(median_ci95({}) == std::pair<double, double>{0, 0});
  }
  SECTION("more samples of the same spread give a narrower interval") {
    auto few = speedup_ci95(around(4, 0.2, 5, 5), around(1, 0.2, 5, 6));
    auto many = speedup_ci95(around(4, 0.2, 60, 5), around(1, 0.2, 60, 6));
    CHECK(many.second - many.first < few.second - few.first);
  }
  SECTION("the bootstrap covers the true ratio in most of 200 synthetic experiments") {
    // Known answer: both sides uniform around their centre, true ratio of
    // medians 3. A 95% interval from 7 samples a side should hold it in the
    // large majority of experiments (the percentile bootstrap of a median
    // under-covers a little at small n, so the bar is 85%).
    int held = 0;
    for (unsigned e = 0; e < 200; ++e) {
      auto ci = speedup_ci95(around(3, 0.2, 7, 100 + e), around(1, 0.2, 7, 400 + e), 500, e);
      held += ci.first <= 3 && 3 <= ci.second;
    }
    CHECK(held >= 170);
  }
}

TEST_CASE("the regression rule: only an interval wholly beyond the threshold counts") {
  const double t = 0.05;
  // Higher is better (a speedup): now/before.
  CHECK(classify_change({0.80, 0.94}, true, t) == change_kind::regression);
  CHECK(classify_change({0.80, 0.96}, true, t) == change_kind::unchanged); // reaches past 0.95
  CHECK(classify_change({0.97, 1.03}, true, t) == change_kind::unchanged);
  CHECK(classify_change({1.02, 1.30}, true, t) == change_kind::unchanged); // starts below 1.05
  CHECK(classify_change({1.06, 1.30}, true, t) == change_kind::improvement);
  // Lower is better (a time).
  CHECK(classify_change({1.06, 1.40}, false, t) == change_kind::regression);
  CHECK(classify_change({1.04, 1.40}, false, t) == change_kind::unchanged);
  CHECK(classify_change({0.70, 0.94}, false, t) == change_kind::improvement);
  // No interval: not compared.
  CHECK(classify_change({0, 0}, true, t) == change_kind::not_compared);
  // The threshold moves the edges.
  CHECK(classify_change({0.85, 0.88}, true, 0.10) == change_kind::regression);
  CHECK(classify_change({0.85, 0.92}, true, 0.10) == change_kind::unchanged);
}

TEST_CASE("a run compared with its baseline: synthetic slow-downs with known answers") {
  auto before = scenario(around(10, 0.02, 7, 11), around(1, 0.02, 7, 12));
  SECTION("the same samples again: nothing changed") {
    auto c = compare_with_baseline({before}, {before}, 0.05);
    REQUIRE(c.changes.size() == 2);
    CHECK(change(c, "speedup").kind == change_kind::unchanged);
    CHECK(change(c, "time of fast").kind == change_kind::unchanged);
    CHECK_FALSE(c.any_regression());
  }
  SECTION("the candidate 30% slower with tight samples: both figures regressed") {
    auto now = scenario(around(10, 0.02, 7, 21), around(1.3, 0.02, 7, 22));
    auto c = compare_with_baseline({now}, {before}, 0.05);
    const auto& speed = change(c, "speedup");
    CHECK(speed.kind == change_kind::regression);
    CHECK(speed.ratio == Approx(1 / 1.3).epsilon(0.05));
    CHECK(speed.ci95.second < 0.95);
    CHECK(change(c, "time of fast").kind == change_kind::regression);
    CHECK(c.any_regression());
  }
  SECTION("3% slower: within the threshold, not a regression") {
    auto now = scenario(around(10, 0.02, 7, 31), around(1.03, 0.02, 7, 32));
    auto c = compare_with_baseline({now}, {before}, 0.05);
    CHECK(change(c, "time of fast").kind == change_kind::unchanged);
    CHECK_FALSE(c.any_regression());
  }
  SECTION("20% slower but so noisy the interval reaches back: not a regression") {
    auto now = scenario(around(10, 0.02, 5, 41), around(1.2, 0.6, 5, 42));
    auto c = compare_with_baseline({now}, {before}, 0.05);
    const auto& time = change(c, "time of fast");
    CHECK(time.ci95.first < 1.05);
    CHECK(time.kind == change_kind::unchanged);
    CHECK(time.few_samples == false);
  }
  SECTION("the candidate 30% faster: an improvement") {
    auto now = scenario(around(10, 0.02, 7, 51), around(0.7, 0.02, 7, 52));
    auto c = compare_with_baseline({now}, {before}, 0.05);
    CHECK(change(c, "time of fast").kind == change_kind::improvement);
    CHECK(change(c, "speedup").kind == change_kind::improvement);
  }
  SECTION("fewer than 5 samples are marked; a scenario not run now is listed as missing") {
    auto now = scenario(around(10, 0.02, 3, 61), around(1, 0.02, 3, 62));
    auto other = before;
    other.name = "gone";
    auto c = compare_with_baseline({now}, {before, other}, 0.05);
    CHECK(change(c, "speedup").few_samples);
    REQUIRE(c.missing.size() == 1);
    CHECK(c.missing[0] == "gone");
  }
  SECTION("a scenario without figures on one side is not compared") {
    auto now = before;
    now.unavailable = "peer missing";
    auto c = compare_with_baseline({now}, {before}, 0.05);
    CHECK(change(c, "speedup").kind == change_kind::not_compared);
    CHECK_FALSE(c.any_regression());
  }
}

TEST_CASE("claims are judged on the whole interval") {
  CHECK(judge_claim(8.5, {8.1, 9}, 8, true) == claim_status::confirmed);
  CHECK(judge_claim(8.5, {7.5, 9}, 8, true) == claim_status::met_by_median);
  CHECK(judge_claim(7.9, {7.5, 8.5}, 8, true) == claim_status::not_reached);
  CHECK(judge_claim(0.3, {0.2, 0.35}, 0.4, false) == claim_status::confirmed);
  CHECK(judge_claim(0.38, {0.3, 0.45}, 0.4, false) == claim_status::met_by_median);
  CHECK(judge_claim(0.5, {0.45, 0.6}, 0.4, false) == claim_status::not_reached);
}
