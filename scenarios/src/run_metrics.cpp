#include "run_metrics.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace troupe::scenarios::detail {

namespace {

using nlohmann::json;

double number_at(const json& j, const json::json_pointer& p) {
  return j.contains(p) && j.at(p).is_number() ? j.at(p).get<double>() : 0;
}

} // namespace

metric_map report_metrics(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return {};
  // The per-file array is most of the report and none of the figures: its
  // values are dropped while parsing.
  json::parser_callback_t skip_files = [](int depth, json::parse_event_t event,
                                          json& parsed) {
    return !(depth == 1 && event == json::parse_event_t::key && parsed == "files");
  };
  auto report = json::parse(in, skip_files, false);
  if (report.is_discarded() || !report.contains("run"))
    return {};
  metric_map out;
  out["files"] = number_at(report, "/run/files"_json_pointer);
  for (const char* tier : {"l1", "l2"}) {
    auto base = std::string{"/run/cache/"} + tier;
    auto hits = number_at(report, json::json_pointer{base + "/hits"});
    out[std::string{tier} + "_hits"] = hits;
    if (hits > 0)
      for (const char* q : {"p50", "p99"})
        out[std::string{tier} + "_hit_" + q + "_us"] =
          number_at(report, json::json_pointer{base + "/hit_latency_us/" + q});
  }
  out["corrupt"] = number_at(report, "/run/cache/l2/corrupt"_json_pointer);
  // Hits and stage time of the parse-and-extract agent; other file agents
  // share its tasks and report their own hits.
  json symbols = json::object();
  if (report.contains("agents") && report["agents"].is_array())
    for (const auto& agent : report["agents"])
      if (agent.value("id", "") == "symbols")
        symbols = agent;
  auto hits = number_at(symbols, "/cache_hits"_json_pointer);
  auto misses = number_at(symbols, "/cache_misses"_json_pointer);
  out["misses"] = misses;
  out["hit_rate"] = hits + misses > 0 ? hits / (hits + misses) : 0;
  out["stage_s"] = number_at(symbols, "/stage_seconds"_json_pointer);
  // A run answered by the run memo dispatched nothing: its agent rows are
  // those of the run that stored the memo.
  bool memo = report["run"].contains("cache")
              && report["run"]["cache"].value("run_memo", "") == std::string{"hit"};
  out["run_memo_hit"] = memo ? 1 : 0;
  if (memo) {
    out["misses"] = 0;
    out["hit_rate"] = 1;
    out["stage_s"] = 0;
  }
  // How close the schedule came to its lower bound, from the same run.
  for (const char* key : {"makespan_s", "lower_bound_s", "critical_path_s", "busy_s",
                          "makespan_over_lower_bound"})
    if (report["run"].contains("schedule"))
      out[std::string{"schedule_"} + key] =
        number_at(report, json::json_pointer{std::string{"/run/schedule/"} + key});
  out["peak_rss_mib"] = number_at(report, "/run/peak_rss_bytes"_json_pointer) / (1 << 20);
  if (report["run"].contains("phases_s"))
    for (const auto& [name, seconds] : report["run"]["phases_s"].items())
      if (seconds.is_number())
        out["phase_" + name + "_s"] = seconds.get<double>();
  return out;
}

metric_map stdout_metrics(const std::string& text) {
  metric_map out;
  std::istringstream words{text};
  for (std::string word; words >> word;) {
    auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0 || word.compare(0, eq, "sample_s") == 0)
      continue;
    char* end = nullptr;
    auto value = std::strtod(word.c_str() + eq + 1, &end);
    if (end != word.c_str() + eq + 1 && *end == '\0')
      out[word.substr(0, eq)] = value;
  }
  return out;
}

} // namespace troupe::scenarios::detail
