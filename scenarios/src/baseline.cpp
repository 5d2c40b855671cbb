#include "troupe/scenarios/baseline.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "troupe/scenarios/statistics.hpp"

namespace troupe::scenarios {

namespace {

using nlohmann::json;

/// The text of a field that must be a string, or an error naming where.
std::string text_at(const json& j, const char* key, const std::string& where,
                    std::string& error) {
  if (!j.contains(key) || !j[key].is_string()) {
    if (error.empty())
      error = where + ": no \"" + key + "\" text";
    return {};
  }
  return j[key].get<std::string>();
}

/// One scenario of a bench.json, or an error naming where it is wrong.
scenario_result scenario_of(const json& s, const std::string& where, std::string& error) {
  scenario_result r;
  if (!s.is_object()) {
    error = where + ": not an object";
    return r;
  }
  r.name = text_at(s, "name", where, error);
  if (s.contains("speedup") && s["speedup"].is_object()) {
    const auto& sp = s["speedup"];
    r.baseline = sp.value("baseline_variant", "");
    r.candidate = sp.value("candidate_variant", "");
    if (sp.contains("value") && sp["value"].is_number())
      r.speedup = sp["value"].get<double>();
  }
  if (s.contains("not_measurable") && s["not_measurable"].is_string())
    r.unavailable = s["not_measurable"].get<std::string>();
  auto verdict = s.value("verdict", "");
  if (verdict.rfind("not measured: ", 0) == 0)
    r.error = verdict.substr(14);
  if (!s.contains("variants") || !s["variants"].is_array()) {
    if (error.empty())
      error = where + ": no \"variants\" array";
    return r;
  }
  for (std::size_t i = 0; i < s["variants"].size(); ++i) {
    const auto& v = s["variants"][i];
    auto at = where + ".variants[" + std::to_string(i) + "]";
    if (!v.is_object()) {
      if (error.empty())
        error = at + ": not an object";
      return r;
    }
    variant_result vr;
    vr.name = text_at(v, "name", at, error);
    if (v.contains("not_measurable") && v["not_measurable"].is_string())
      vr.unavailable = v["not_measurable"].get<std::string>();
    if (!v.contains("samples_s") || !v["samples_s"].is_array()) {
      if (error.empty())
        error = at + ": no \"samples_s\" array";
      return r;
    }
    for (std::size_t k = 0; k < v["samples_s"].size(); ++k) {
      const auto& x = v["samples_s"][k];
      if (!x.is_number() || !std::isfinite(x.get<double>()) || x.get<double>() < 0) {
        if (error.empty())
          error = at + ".samples_s[" + std::to_string(k) + "]: not a time in seconds";
        return r;
      }
      vr.samples_s.push_back(x.get<double>());
    }
    vr.median_s = median(vr.samples_s);
    r.variants.push_back(std::move(vr));
  }
  return r;
}

bool usable(const scenario_result& r) {
  if (!r.error.empty() || !r.unavailable.empty())
    return false;
  const auto* c = r.find(r.candidate);
  const auto* b = r.find(r.baseline);
  return c && b && !c->samples_s.empty() && !b->samples_s.empty() && c->median_s > 0;
}

bool few(std::initializer_list<const variant_result*> vs) {
  for (const auto* v : vs)
    if (v->samples_s.size() < min_samples_for_interval)
      return true;
  return false;
}

} // namespace

const char* to_string(change_kind kind) noexcept {
  switch (kind) {
    case change_kind::unchanged:
      return "unchanged";
    case change_kind::regression:
      return "regression";
    case change_kind::improvement:
      return "improvement";
    case change_kind::not_compared:
      return "not_compared";
  }
  return "not_compared";
}

bool baseline_comparison::any_regression() const noexcept {
  return std::any_of(changes.begin(), changes.end(),
                     [](const figure_change& c) { return c.kind == change_kind::regression; });
}

change_kind classify_change(std::pair<double, double> ci95, bool higher_is_better,
                            double threshold) {
  if (!(ci95.first > 0) || !(ci95.second > 0))
    return change_kind::not_compared;
  double worse_edge = higher_is_better ? 1 - threshold : 1 + threshold;
  double better_edge = higher_is_better ? 1 + threshold : 1 - threshold;
  if (higher_is_better) {
    if (ci95.second < worse_edge)
      return change_kind::regression;
    if (ci95.first > better_edge)
      return change_kind::improvement;
  } else {
    if (ci95.first > worse_edge)
      return change_kind::regression;
    if (ci95.second < better_edge)
      return change_kind::improvement;
  }
  return change_kind::unchanged;
}

expected<std::vector<scenario_result>> load_bench_json(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return error{errc::not_found,
                 "cannot read baseline " + path + ": " + std::strerror(errno)};
  std::stringstream text;
  text << in.rdbuf();
  json j;
  try {
    j = json::parse(text.str());
  } catch (const json::parse_error& e) {
    return error{errc::invalid_config,
                 "baseline " + path + " is not JSON (at byte " + std::to_string(e.byte) + ")"};
  }
  if (!j.is_object() || !j.contains("scenarios") || !j["scenarios"].is_array())
    return error{errc::invalid_config, "baseline " + path
                                         + " has no \"scenarios\" array: not a bench.json "
                                           "written by troupe bench"};
  std::vector<scenario_result> out;
  for (std::size_t i = 0; i < j["scenarios"].size(); ++i) {
    std::string why;
    auto r = scenario_of(j["scenarios"][i], "scenarios[" + std::to_string(i) + "]", why);
    if (!why.empty())
      return error{errc::invalid_config, "baseline " + path + ": " + why};
    out.push_back(std::move(r));
  }
  return out;
}

baseline_comparison compare_with_baseline(const std::vector<scenario_result>& now,
                                          const std::vector<scenario_result>& before,
                                          double threshold) {
  baseline_comparison out;
  out.threshold = threshold;
  for (const auto& old : before) {
    auto i = std::find_if(now.begin(), now.end(),
                          [&](const scenario_result& r) { return r.name == old.name; });
    if (i == now.end()) {
      out.missing.push_back(old.name);
      continue;
    }
    const auto& cur = *i;
    figure_change speed;
    speed.scenario = cur.name;
    speed.figure = "speedup";
    speed.higher_is_better = true;
    figure_change time;
    time.scenario = cur.name;
    time.figure = "time of " + cur.candidate;
    time.higher_is_better = false;
    if (!usable(old) || !usable(cur)) {
      speed.note = time.note = !usable(old) ? "no figure in the baseline" : "no figure now";
      out.changes.push_back(std::move(speed));
      out.changes.push_back(std::move(time));
      continue;
    }
    if (old.baseline != cur.baseline || old.candidate != cur.candidate) {
      speed.note = time.note = "the variants differ (baseline: " + old.candidate + " vs "
                               + old.baseline + ", now: " + cur.candidate + " vs "
                               + cur.baseline + ")";
      out.changes.push_back(std::move(speed));
      out.changes.push_back(std::move(time));
      continue;
    }
    const auto& ob = *old.find(old.baseline);
    const auto& oc = *old.find(old.candidate);
    const auto& nb = *cur.find(cur.baseline);
    const auto& nc = *cur.find(cur.candidate);
    speed.before = ob.median_s / oc.median_s;
    speed.now = nb.median_s / nc.median_s;
    speed.ratio = speed.now / speed.before;
    speed.ci95 = bootstrap_ci95({nb.samples_s, nc.samples_s, ob.samples_s, oc.samples_s},
                                [](const std::vector<double>& m) {
                                  return m[1] > 0 && m[2] > 0 ? (m[0] / m[1]) / (m[2] / m[3])
                                                              : NAN;
                                });
    speed.few_samples = few({&ob, &oc, &nb, &nc});
    speed.kind = classify_change(speed.ci95, true, threshold);
    time.before = oc.median_s;
    time.now = nc.median_s;
    time.ratio = time.now / time.before;
    time.ci95 = speedup_ci95(nc.samples_s, oc.samples_s);
    time.few_samples = few({&oc, &nc});
    time.kind = classify_change(time.ci95, false, threshold);
    out.changes.push_back(std::move(speed));
    out.changes.push_back(std::move(time));
  }
  return out;
}

} // namespace troupe::scenarios
