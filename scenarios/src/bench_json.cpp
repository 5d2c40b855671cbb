// bench.json: the machine-readable result of a bench run.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "troupe/runtime/version.hpp"
#include "troupe/scenarios/bench_report.hpp"
#include "troupe/scenarios/statistics.hpp"

namespace troupe::scenarios {

namespace {

using nlohmann::json;

json variant_json(const variant_result& v) {
  json out{{"name", v.name},
           {"what", v.what},
           {"samples_s", v.samples_s},
           {"median_s", v.median_s},
           {"peak_rss_bytes", v.peak_rss_bytes},
           {"peak_rss_samples_bytes", v.rss_samples}};
  if (!v.unavailable.empty())
    out["not_measurable"] = v.unavailable;
  if (!v.metrics.empty()) {
    out["metrics"] = v.metrics;
    out["metric_samples"] = v.metric_samples;
  }
  return out;
}

std::size_t samples_of(const scenario_result& r) {
  std::size_t n = 0;
  for (const auto* name : {&r.baseline, &r.candidate})
    if (const auto* v = r.find(*name))
      n = n == 0 ? v->samples_s.size() : std::min(n, v->samples_s.size());
  return n;
}

json scenario_json(const scenario_result& r) {
  json variants = json::array();
  for (const auto& v : r.variants)
    variants.push_back(variant_json(v));
  std::string verdict = r.verdict;
  if (!r.unavailable.empty())
    verdict = "not measurable here: " + r.unavailable;
  else if (!r.error.empty())
    verdict = "not measured: " + r.error;
  json s{{"name", r.name},
         {"summary", r.summary},
         {"description", r.description},
         {"variants", variants},
         {"speedup",
          {{"value", r.speedup},
           {"ci95", {r.ci95.first, r.ci95.second}},
           {"baseline_variant", r.baseline},
           {"candidate_variant", r.candidate},
           {"samples", samples_of(r)},
           {"interval_from_few_samples", r.few_samples}}},
         {"seed_claim", r.seed_claim},
         {"required", r.required},
         {"verdict", verdict}};
  if (!r.unavailable.empty())
    s["not_measurable"] = r.unavailable;
  if (r.work_units > 0)
    s["per_unit"] = {{"unit", r.unit},
                     {"units_per_sample", r.work_units},
                     {"candidate_us", r.candidate_unit_us},
                     {"baseline_us", r.baseline_unit_us},
                     {"max_candidate_us", r.max_unit_us}};
  if (r.max_cost_ratio > 0)
    s["cost_ratio"] = {{"value", r.speedup > 0 ? 1 / r.speedup : 0}, {"max", r.max_cost_ratio}};
  if (!r.notes.empty())
    s["notes"] = r.notes;
  for (const auto& c : r.also) {
    json a{{"variant", c.variant},
           {"speedup", c.speedup},
           {"ci95", {c.ci95.first, c.ci95.second}},
           {"interval_from_few_samples", c.few_samples}};
    if (!c.unavailable.empty())
      a["not_measurable"] = c.unavailable;
    s["also_against"].push_back(std::move(a));
  }
  return s;
}

json claim_json(const claim_row& c) {
  json out{{"claim", c.claim},
           {"claimed", c.claimed},
           {"status", to_string(c.status)},
           {"verdict", c.verdict},
           {"simulated", c.simulated}};
  if (c.status != claim_status::not_measurable || c.value != 0) {
    out["value"] = c.value;
    out["unit"] = c.unit;
    out["ci95"] = {c.ci95.first, c.ci95.second};
    out["interval_from_few_samples"] = c.few_samples;
  }
  if (!c.source.empty())
    out["source"] = c.source;
  return out;
}

json baseline_json(const baseline_comparison& b) {
  json changes = json::array();
  for (const auto& c : b.changes) {
    json x{{"scenario", c.scenario},
           {"figure", c.figure},
           {"kind", to_string(c.kind)},
           {"higher_is_better", c.higher_is_better}};
    if (c.kind == change_kind::not_compared) {
      x["note"] = c.note;
    } else {
      x["before"] = c.before;
      x["now"] = c.now;
      x["ratio"] = c.ratio;
      x["ci95"] = {c.ci95.first, c.ci95.second};
      x["interval_from_few_samples"] = c.few_samples;
    }
    changes.push_back(std::move(x));
  }
  return {{"path", b.path},
          {"threshold", b.threshold},
          {"regression", b.any_regression()},
          {"changes", changes},
          {"missing_scenarios", b.missing}};
}

} // namespace

std::string to_bench_json(const bench_report& report) {
  const auto& m = report.machine;
  const auto& st = report.settings;
  json out;
  out["tool"] = {{"name", "troupe"}, {"version", troupe::version()}};
  out["machine"] = {{"cpu_model", m.cpu_model},     {"logical_cpus", m.logical_cpus},
                    {"memory_bytes", m.memory_bytes}, {"kernel", m.kernel},
                    {"compiler", m.compiler},       {"build_type", m.build_type},
                    {"load_average_1m", m.load_average},
                    {"cores_available_start", m.cores_available_start},
                    {"cores_available_end", m.cores_available_end}};
  out["settings"] = {{"quick", st.quick},         {"samples", st.samples},
                     {"warmups", st.warmups},     {"corpus", st.corpus},
                     {"corpus_used", st.corpus_used}, {"corpus_sample", st.corpus_sample},
                     {"workers", st.workers},
                     {"started_at", st.started_at}, {"wall_seconds", st.wall_seconds},
                     {"min_samples_for_interval", min_samples_for_interval}};
  auto& scenarios = out["scenarios"] = json::array();
  for (const auto& r : report.results)
    scenarios.push_back(scenario_json(r));
  auto& claims = out["claims"] = json::array();
  for (const auto& c : report.claims)
    claims.push_back(claim_json(c));
  if (report.baseline)
    out["baseline"] = baseline_json(*report.baseline);
  return out.dump(2);
}

} // namespace troupe::scenarios
