#include "troupe/scenarios/bench_runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "troupe/scenarios/statistics.hpp"

namespace troupe::scenarios {

namespace {

std::string fmt(double x, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

const variant_result* find_variant(const scenario_result& r, const std::string& name) {
  auto i = std::find_if(r.variants.begin(), r.variants.end(),
                        [&](const variant_result& v) { return v.name == name; });
  return i == r.variants.end() ? nullptr : &*i;
}

/// The seconds a child printed on its last `sample_s=X` line, or -1.
double inner_sample_of(const std::string& stdout_text) {
  auto at = stdout_text.rfind("sample_s=");
  if (at == std::string::npos)
    return -1;
  char* end = nullptr;
  auto s = std::strtod(stdout_text.c_str() + at + 9, &end);
  return end == stdout_text.c_str() + at + 9 || s <= 0 ? -1 : s;
}

std::string verdict_of(const scenario_result& r) {
  if (r.max_cost_ratio > 0 && r.speedup > 0) {
    // "Costs at most 15% of" reads better than "at least 6.7x faster".
    auto pct = [](double ratio) { return fmt(100 * ratio, 1) + "%"; };
    auto out = r.candidate + " costs " + pct(1 / r.speedup) + " of " + r.baseline + " (95% CI "
               + pct(r.ci95.second > 0 ? 1 / r.ci95.second : 0) + "-"
               + pct(r.ci95.first > 0 ? 1 / r.ci95.first : 0) + ", speedup " + fmt(r.speedup)
               + "x)";
    return out + (1 / r.speedup <= r.max_cost_ratio ? "; meets the required <= "
                                                    : "; ABOVE the required <= ")
           + pct(r.max_cost_ratio);
  }
  std::string out = "measured " + fmt(r.speedup) + "x (95% CI " + fmt(r.ci95.first) + "-"
                    + fmt(r.ci95.second) + ")";
  if (r.work_units > 0 && r.speedup > 0) {
    // Per-unit scenarios compare costs, where "x as long" reads better
    // than a speedup far below 1.
    out = r.candidate + " " + fmt(r.candidate_unit_us) + " us per " + r.unit;
    if (r.max_unit_us > 0)
      out += r.candidate_unit_us <= r.max_unit_us
               ? " (meets the required <= " + fmt(r.max_unit_us, 0) + " us)"
               : " (ABOVE the required <= " + fmt(r.max_unit_us, 0) + " us)";
    out += ", " + r.baseline + " " + fmt(r.baseline_unit_us) + " us per " + r.unit + ": "
           + r.candidate + " takes " + fmt(1 / r.speedup, 1) + "x as long (95% CI "
           + fmt(r.ci95.second > 0 ? 1 / r.ci95.second : 0, 1) + "-"
           + fmt(r.ci95.first > 0 ? 1 / r.ci95.first : 0, 1) + ")";
    return out;
  }
  if (r.required > 0)
    out += r.speedup >= r.required ? "; meets the required " + fmt(r.required) + "x"
                                   : "; BELOW the required " + fmt(r.required) + "x";
  if (r.seed_claim > 0)
    out += r.speedup >= r.seed_claim ? "; confirms the claimed " + fmt(r.seed_claim, 1) + "x"
                                     : "; the claimed " + fmt(r.seed_claim, 1)
                                         + "x was not reached";
  return out;
}

} // namespace

scenario_result run_scenario(const scenario_spec& spec, const bench_options& options) {
  scenario_result r;
  r.name = spec.name;
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
  // Per variant, the values of each metric over the timed samples.
  std::vector<std::map<std::string, std::vector<double>>> metric_samples(spec.variants.size());
  for (const auto& v : spec.variants)
    r.variants.push_back({v.name, {}, 0, 0});
  auto log = [&](const std::string& line) {
    if (options.log)
      *options.log << "bench " << spec.name << ": " << line << std::endl;
  };
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
      r.variants[i].samples_s.push_back(run.wall_s);
      r.variants[i].peak_rss_bytes = std::max(r.variants[i].peak_rss_bytes, run.peak_rss_bytes);
      log(v.name + " " + fmt(run.wall_s, v.inner_sample ? 6 : 3) + " s");
      if (v.metrics)
        for (const auto& [key, value] : v.metrics(out))
          metric_samples[i][key].push_back(value);
    }
    return true;
  };
  for (int w = 0; w < options.warmups; ++w)
    for (std::size_t i = 0; i < spec.variants.size(); ++i)
      if (!run_once(i, false))
        return r;
  for (int s = 0; s < options.samples; ++s)
    for (std::size_t i = 0; i < spec.variants.size(); ++i)
      if (!run_once(i, true))
        return r;
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    r.variants[i].median_s = median(r.variants[i].samples_s);
    for (const auto& [key, values] : metric_samples[i])
      r.variants[i].metrics[key] = median(values);
  }
  auto* base = find_variant(r, spec.baseline);
  auto* cand = find_variant(r, spec.candidate);
  if (!base || !cand || cand->median_s <= 0) {
    r.error = "baseline or candidate variant missing";
    return r;
  }
  r.speedup = base->median_s / cand->median_s;
  if (r.work_units > 0) {
    r.candidate_unit_us = cand->median_s / static_cast<double>(r.work_units) * 1e6;
    r.baseline_unit_us = base->median_s / static_cast<double>(r.work_units) * 1e6;
  }
  r.ci95 = speedup_ci95(base->samples_s, cand->samples_s);
  r.verdict = verdict_of(r);
  for (const auto& name : spec.also_against) {
    if (auto* other = find_variant(r, name)) {
      auto x = other->median_s / cand->median_s;
      r.also_speedups.emplace_back(name, x);
      r.verdict += "; against " + name + " " + fmt(x) + "x (costs " + fmt(100 / x, 1) + "%)";
    }
  }
  log(r.verdict);
  return r;
}

std::string to_bench_json(const machine_info& m, const std::vector<scenario_result>& results) {
  using nlohmann::json;
  json out;
  out["machine"] = {{"cpu_model", m.cpu_model},     {"logical_cpus", m.logical_cpus},
                    {"memory_bytes", m.memory_bytes}, {"kernel", m.kernel},
                    {"compiler", m.compiler},       {"build_type", m.build_type},
                    {"load_average_1m", m.load_average}};
  auto& scenarios = out["scenarios"] = json::array();
  for (const auto& r : results) {
    json variants = json::array();
    for (const auto& v : r.variants) {
      variants.push_back({{"name", v.name},
                          {"samples_s", v.samples_s},
                          {"median_s", v.median_s},
                          {"peak_rss_bytes", v.peak_rss_bytes}});
      if (!v.metrics.empty())
        variants.back()["metrics"] = v.metrics;
    }
    json s{{"name", r.name},
           {"description", r.description},
           {"variants", variants},
           {"speedup",
            {{"value", r.speedup},
             {"ci95", {r.ci95.first, r.ci95.second}},
             {"baseline_variant", r.baseline},
             {"candidate_variant", r.candidate}}},
           {"seed_claim", r.seed_claim},
           {"required", r.required},
           {"verdict", r.error.empty() ? r.verdict : "not measured: " + r.error}};
    if (r.work_units > 0)
      s["per_unit"] = {{"unit", r.unit},
                       {"units_per_sample", r.work_units},
                       {"candidate_us", r.candidate_unit_us},
                       {"baseline_us", r.baseline_unit_us},
                       {"max_candidate_us", r.max_unit_us}};
    if (r.max_cost_ratio > 0)
      s["cost_ratio"] = {{"value", r.speedup > 0 ? 1 / r.speedup : 0},
                         {"max", r.max_cost_ratio}};
    if (!r.notes.empty())
      s["notes"] = r.notes;
    for (const auto& [name, x] : r.also_speedups)
      s["also_against"].push_back({{"variant", name}, {"speedup", x}});
    scenarios.push_back(std::move(s));
  }
  return out.dump(2);
}

std::string to_bench_markdown(const machine_info& m,
                              const std::vector<scenario_result>& results) {
  std::ostringstream out;
  out << "# troupe bench\n\nMachine: " << m.cpu_model << ", " << m.logical_cpus
      << " logical CPUs, " << fmt(m.memory_bytes / double(1ull << 30), 1) << " GiB, "
      << m.kernel << ", " << m.compiler << ", " << m.build_type << ", load "
      << fmt(m.load_average) << " at start.\n\n";
  out << "| scenario | variant | samples | median s | peak RSS MiB |\n|---|---|---|---|---|\n";
  for (const auto& r : results)
    for (const auto& v : r.variants)
      out << "| " << r.name << " | " << v.name << " | " << v.samples_s.size() << " | "
          << fmt(v.median_s, v.median_s < 0.1 ? 6 : 3) << " | "
          << fmt(v.peak_rss_bytes / double(1 << 20), 1) << " |\n";
  out << "\n";
  for (const auto& r : results)
    out << "- **" << r.name << "** (" << r.candidate << " vs " << r.baseline << "): "
        << (r.error.empty() ? r.verdict : "not measured: " + r.error) << "\n";
  for (const auto& r : results) {
    bool any = !r.notes.empty();
    for (const auto& v : r.variants)
      any = any || !v.metrics.empty();
    if (!any)
      continue;
    out << "\n### " << r.name << "\n\n";
    for (const auto& note : r.notes)
      out << note << "\n\n";
    for (const auto& v : r.variants) {
      if (v.metrics.empty())
        continue;
      out << "- " << v.name << " (medians):";
      for (const auto& [key, value] : v.metrics)
        out << " " << key << " " << fmt(value, value == std::floor(value) ? 0 : value < 1 ? 6 : 3)
            << ";";
      out << "\n";
    }
  }
  return out.str();
}

} // namespace troupe::scenarios
