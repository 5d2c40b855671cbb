#include "troupe/scenarios/bench_runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include <unistd.h>

#include "child_process.hpp"
#include "number_format.hpp"
#include "troupe/scenarios/statistics.hpp"

namespace troupe::scenarios {

namespace {

using detail::fixed;
using detail::percent;

/// The seconds a child printed on its last `sample_s=X` line, or -1.
double inner_sample_of(const std::string& stdout_text) {
  auto at = stdout_text.rfind("sample_s=");
  if (at == std::string::npos)
    return -1;
  char* end = nullptr;
  auto s = std::strtod(stdout_text.c_str() + at + 9, &end);
  return end == stdout_text.c_str() + at + 9 || s <= 0 ? -1 : s;
}

/// ", from N samples: indicative" when an interval rests on too few.
std::string few_note(const scenario_result& r) {
  if (!r.few_samples)
    return {};
  std::size_t n = 0;
  for (const auto* v : {r.find(r.baseline), r.find(r.candidate)})
    if (v)
      n = n == 0 ? v->samples_s.size() : std::min(n, v->samples_s.size());
  return "; from " + std::to_string(n) + " samples: indicative";
}

std::string verdict_of(const scenario_result& r, bool judge) {
  if (r.max_cost_ratio > 0 && r.speedup > 0) {
    // "Costs at most 15% of" reads better than "at least 6.7x faster".
    auto out = r.candidate + " costs " + percent(1 / r.speedup) + " of " + r.baseline
               + " (95% CI " + percent(r.ci95.second > 0 ? 1 / r.ci95.second : 0) + "-"
               + percent(r.ci95.first > 0 ? 1 / r.ci95.first : 0) + few_note(r) + ", speedup "
               + fixed(r.speedup) + "x)";
    if (!judge)
      return out;
    return out + (1 / r.speedup <= r.max_cost_ratio ? "; meets the required <= "
                                                    : "; ABOVE the required <= ")
           + percent(r.max_cost_ratio);
  }
  std::string out = "measured " + fixed(r.speedup) + "x (95% CI " + detail::range(r.ci95)
                    + few_note(r) + ")";
  if (r.work_units > 0 && r.speedup > 0) {
    // Per-unit scenarios compare costs, where "x as long" reads better
    // than a speedup far below 1.
    out = r.candidate + " " + fixed(r.candidate_unit_us) + " us per " + r.unit;
    if (r.max_unit_us > 0)
      out += r.candidate_unit_us <= r.max_unit_us
               ? " (meets the required <= " + fixed(r.max_unit_us, 0) + " us)"
               : " (ABOVE the required <= " + fixed(r.max_unit_us, 0) + " us)";
    out += ", " + r.baseline + " " + fixed(r.baseline_unit_us) + " us per " + r.unit + ": "
           + r.candidate + " takes " + fixed(1 / r.speedup, 1) + "x as long (95% CI "
           + fixed(r.ci95.second > 0 ? 1 / r.ci95.second : 0, 1) + "-"
           + fixed(r.ci95.first > 0 ? 1 / r.ci95.first : 0, 1) + few_note(r) + ")";
    return out;
  }
  if (r.required > 0)
    out += r.speedup >= r.required ? "; meets the required " + fixed(r.required) + "x"
                                   : "; BELOW the required " + fixed(r.required) + "x";
  if (r.seed_claim > 0)
    out += r.speedup >= r.seed_claim ? "; confirms the claimed " + fixed(r.seed_claim, 1) + "x"
                                     : "; the claimed " + fixed(r.seed_claim, 1)
                                         + "x was not reached";
  return out;
}

bool few(const variant_result& a, const variant_result& b) {
  return a.samples_s.size() < min_samples_for_interval
         || b.samples_s.size() < min_samples_for_interval;
}

} // namespace

const variant_result* scenario_result::find(const std::string& variant) const noexcept {
  auto i = std::find_if(variants.begin(), variants.end(),
                        [&](const variant_result& v) { return v.name == variant; });
  return i == variants.end() ? nullptr : &*i;
}

scenario_result run_scenario(const scenario_spec& spec, const bench_options& options) {
  scenario_result r;
  r.name = spec.name;
  r.summary = spec.summary;
  r.description = spec.description;
  r.baseline = spec.baseline;
  r.candidate = spec.candidate;
  r.seed_claim = spec.seed_claim;
  r.required = spec.required;
  r.work_units = spec.work_units;
  r.unit = spec.unit;
  r.max_unit_us = spec.max_unit_us;
  r.max_cost_ratio = spec.max_cost_ratio;
  r.notes = spec.notes;
  auto log = [&](const std::string& line) {
    if (options.log)
      *options.log << "bench " << spec.name << ": " << line << std::endl;
  };
  if (!spec.unavailable.empty()) {
    r.unavailable = spec.unavailable;
    log("not measurable here: " + r.unavailable);
    return r;
  }
  for (const auto& v : spec.variants) {
    variant_result vr;
    vr.name = v.name;
    vr.what = v.what;
    vr.unavailable = v.unavailable;
    for (const auto* program : {&v.command, &v.prepare})
      if (vr.unavailable.empty() && !program->empty() && ::access(program->front().c_str(), X_OK) != 0)
        vr.unavailable = program->front() + " is not installed";
    if (vr.unavailable.empty() && v.probe)
      vr.unavailable = v.probe();
    if (!vr.unavailable.empty())
      log(v.name + ": not measurable here: " + vr.unavailable);
    r.variants.push_back(std::move(vr));
  }
  std::vector<std::string> required{spec.candidate};
  if (!spec.baseline.empty())
    required.push_back(spec.baseline);
  for (const auto& name : required) {
    auto* v = r.find(name);
    if (!v) {
      r.error = "no variant named " + name;
      return r;
    }
    if (!v->unavailable.empty()) {
      r.unavailable = name + ": " + v->unavailable;
      log("not measurable here: " + r.unavailable);
      return r;
    }
  }
  auto run_once = [&](std::size_t i, bool timed) -> bool {
    const auto& v = spec.variants[i];
    if (!v.prepare.empty()) {
      auto prep = detail::run_child(v.prepare);
      if (prep.exit_code != 0) {
        r.error = v.name + ": preparation failed (exit " + std::to_string(prep.exit_code)
                  + "): " + prep.error;
        return false;
      }
    }
    std::string out;
    auto run = detail::run_child(v.command, v.inner_sample || v.metrics ? &out : nullptr);
    if (std::find(v.accepted_exit_codes.begin(), v.accepted_exit_codes.end(), run.exit_code)
        == v.accepted_exit_codes.end()) {
      r.error = v.name + ": exit " + std::to_string(run.exit_code) + ": " + run.error;
      return false;
    }
    if (v.inner_sample) {
      run.wall_s = inner_sample_of(out);
      if (run.wall_s < 0) {
        r.error = v.name + ": printed no sample_s=SECONDS line";
        return false;
      }
    }
    if (timed) {
      auto& vr = r.variants[i];
      vr.samples_s.push_back(run.wall_s);
      vr.rss_samples.push_back(static_cast<double>(run.peak_rss_bytes));
      vr.peak_rss_bytes = std::max(vr.peak_rss_bytes, run.peak_rss_bytes);
      log(v.name + " " + fixed(run.wall_s, v.inner_sample ? 6 : 3) + " s");
      if (v.metrics)
        for (const auto& [key, value] : v.metrics(out))
          vr.metric_samples[key].push_back(value);
    }
    return true;
  };
  auto runs = [&](std::size_t i) { return r.variants[i].unavailable.empty(); };
  for (int w = 0; w < options.warmups; ++w)
    for (std::size_t i = 0; i < spec.variants.size(); ++i)
      if (runs(i) && spec.variants[i].warm_up && !run_once(i, false))
        return r;
  // Round-robin, so that drift in the machine's load hits every variant
  // alike; a variant with fewer samples takes part in the first rounds.
  for (int s = 0; s < options.samples; ++s)
    for (std::size_t i = 0; i < spec.variants.size(); ++i) {
      auto cap = spec.variants[i].max_samples;
      if (runs(i) && (cap <= 0 || s < cap) && !run_once(i, true))
        return r;
    }
  for (auto& v : r.variants) {
    v.median_s = median(v.samples_s);
    for (const auto& [key, values] : v.metric_samples)
      v.metrics[key] = median(values);
  }
  const auto* cand = r.find(spec.candidate);
  if (cand->median_s <= 0) {
    r.error = spec.candidate + ": no positive sample";
    return r;
  }
  if (spec.baseline.empty()) {
    // A figure-only scenario: its candidate's samples and metrics are the result.
    r.verdict = spec.summarise ? spec.summarise(r) : "measured";
    log(r.verdict);
    return r;
  }
  const auto* base = r.find(spec.baseline);
  r.speedup = base->median_s / cand->median_s;
  if (r.work_units > 0) {
    r.candidate_unit_us = cand->median_s / static_cast<double>(r.work_units) * 1e6;
    r.baseline_unit_us = base->median_s / static_cast<double>(r.work_units) * 1e6;
  }
  r.ci95 = speedup_ci95(base->samples_s, cand->samples_s);
  r.few_samples = few(*base, *cand);
  if (!options.judge_requirements) {
    r.required = 0;
    r.max_unit_us = 0;
  }
  r.verdict = verdict_of(r, options.judge_requirements);
  for (const auto& name : spec.also_against) {
    comparison c;
    c.variant = name;
    const auto* other = r.find(name);
    if (!other) {
      c.unavailable = "no such variant";
    } else if (!other->unavailable.empty()) {
      c.unavailable = other->unavailable;
      r.verdict += "; against " + name + ": not measurable here (" + c.unavailable + ")";
    } else {
      c.speedup = other->median_s / cand->median_s;
      c.ci95 = speedup_ci95(other->samples_s, cand->samples_s);
      c.few_samples = few(*other, *cand);
      r.verdict += "; against " + name + " " + fixed(c.speedup) + "x (95% CI "
                   + detail::range(c.ci95) + (c.few_samples ? ", indicative" : "")
                   + "; costs " + fixed(100 / c.speedup, 1) + "%)";
    }
    r.also.push_back(std::move(c));
  }
  log(r.verdict);
  return r;
}

} // namespace troupe::scenarios
