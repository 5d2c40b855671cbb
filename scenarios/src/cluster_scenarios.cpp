#include "troupe/scenarios/cluster_scenarios.hpp"

#include <algorithm>

#include "number_format.hpp"
#include "troupe/scenarios/statistics.hpp"

namespace troupe::scenarios {

namespace {

constexpr const char* needs_nodes = "needs nodes: added with the nodes component";

const scenario_result* find_result(const std::vector<scenario_result>& results,
                                   const std::string& name) {
  auto i = std::find_if(results.begin(), results.end(),
                        [&](const scenario_result& r) { return r.name == name; });
  return i == results.end() ? nullptr : &*i;
}

/// The row of a scenario's speedup, or "needs nodes" when it did not run.
claim_row cluster_row(const std::vector<scenario_result>& results, const std::string& name,
                      std::string claim) {
  claim_row row;
  row.claim = std::move(claim);
  row.claimed = "-";
  row.unit = "x";
  const auto* r = find_result(results, name);
  if (!r || !r->measured()) {
    row.verdict = !r ? needs_nodes
                     : "not measurable here: " + (r->unavailable.empty() ? r->error
                                                                          : r->unavailable);
    return row;
  }
  row.value = r->speedup;
  row.ci95 = r->ci95;
  row.few_samples = r->few_samples;
  row.status = claim_status::confirmed;
  row.verdict = "measured: " + r->verdict;
  row.source = name + ": " + r->candidate + " vs " + r->baseline;
  return row;
}

} // namespace

std::vector<std::pair<std::string, std::string>> cluster_scenario_names() {
  return {{"cluster", "a run on 1 node vs 3 nodes (needs nodes)"},
          {"remote_round_trip", "a task's round trip to another node's lane (needs nodes)"},
          {"l3_warm", "a run served from the L3 group vs cold; L3 hit latency (needs nodes)"}};
}

std::vector<scenario_spec> cluster_scenarios(const scenario_inputs&) {
  return {};
}

std::vector<claim_row> cluster_claims(const std::vector<scenario_result>& results) {
  std::vector<claim_row> rows;
  rows.push_back(cluster_row(results, "cluster", "cluster: 1 node vs 3 nodes"));
  rows.push_back(cluster_row(results, "remote_round_trip", "remote round trip"));
  // The original claim for L3: hits of about 5 ms.
  claim_row l3;
  l3.claim = "L3 hit about 5 ms";
  l3.claimed = "about 5 ms";
  l3.target = 5;
  l3.unit = "ms";
  l3.higher_is_better = false;
  const auto* r = find_result(results, "l3_warm");
  const std::vector<double>* samples = nullptr;
  if (r && r->measured())
    if (const auto* v = r->find(r->candidate))
      if (auto it = v->metric_samples.find("l3_hit_p50_us"); it != v->metric_samples.end())
        samples = &it->second;
  if (!samples || samples->empty()) {
    l3.verdict = r ? "not measurable here: l3_warm reported no l3_hit_p50_us" : needs_nodes;
  } else {
    std::vector<double> ms = *samples;
    for (auto& x : ms)
      x /= 1000;
    l3.value = median(ms);
    l3.ci95 = median_ci95(ms);
    l3.few_samples = ms.size() < min_samples_for_interval;
    l3.status = judge_claim(l3.value, l3.ci95, l3.target, false);
    l3.verdict = std::string{to_string(l3.status)} + ": " + detail::fixed(l3.value) + " ms (95% CI "
                 + detail::range(l3.ci95) + ")";
    l3.source = "l3_warm: l3_hit_p50_us of " + r->candidate;
  }
  rows.push_back(std::move(l3));
  rows.push_back(cluster_row(results, "l3_warm", "L3 warm vs cold"));
  return rows;
}

} // namespace troupe::scenarios
