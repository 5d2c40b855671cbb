#include "troupe/runtime/trace_writer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <ostream>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace troupe {

namespace {

using json = nlohmann::json;

/// Microseconds, rounded to whole nanoseconds' worth of digits: viewers
/// accept fractional ts and dur, and the integer part is what they show.
double micros(double seconds) {
  return std::round(seconds * 1e9) / 1e3;
}

json metadata(const char* what, int pid, std::uint32_t tid, const std::string& name) {
  return {{"name", what}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}};
}

} // namespace

std::vector<trace_label> trace_labels_of(const task_graph& graph) {
  std::vector<trace_label> out;
  out.reserve(graph.size());
  std::unordered_map<std::string, std::size_t> shards;
  for (const auto& t : graph.tasks())
    out.push_back({t.name, t.agent(), shards[t.agent()]++, t.files, 0, 0});
  return out;
}

void write_chrome_trace(std::ostream& out, const std::vector<trace_label>& labels,
                        const graph_result& result, const trace_process& process) {
  auto events = json::array();
  events.push_back(metadata("process_name", process.pid, 0, process.name));
  std::uint32_t tracks = result.workers;
  for (const auto& t : result.tasks)
    if (t.attempts > 0)
      tracks = std::max(tracks, t.worker + 1);
  for (std::uint32_t w = 0; w < tracks; ++w) {
    events.push_back(metadata("thread_name", process.pid, w, "worker " + std::to_string(w)));
    events.push_back({{"name", "thread_sort_index"},
                      {"ph", "M"},
                      {"pid", process.pid},
                      {"tid", w},
                      {"args", {{"sort_index", w}}}});
  }
  // Slices in start order, which is how viewers expect a track's events.
  std::vector<std::size_t> order(result.tasks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return result.tasks[a].started_s < result.tasks[b].started_s;
  });
  for (auto i : order) {
    const auto& t = result.tasks[i];
    if (t.attempts == 0 || t.finished_s < t.started_s)
      continue; // never ran: no slice
    trace_label fallback{"task " + std::to_string(i), "", i, 0, 0, 0};
    const auto& label = i < labels.size() ? labels[i] : fallback;
    json args{{"agent", label.agent},
              {"task", i},
              {"shard", label.shard},
              {"files", label.files},
              {"attempts", t.attempts},
              {"status", to_string(t.status)},
              {"cache_hits", label.cache_hits},
              {"cache_misses", label.cache_misses}};
    if (t.error)
      args["error"] = t.error.to_string();
    events.push_back({{"name", label.name},
                      {"cat", label.agent.empty() ? "task" : label.agent},
                      {"ph", "X"},
                      {"ts", micros(t.started_s)},
                      {"dur", micros(t.finished_s - t.started_s)},
                      {"pid", process.pid},
                      {"tid", t.worker},
                      {"args", std::move(args)}});
  }
  json doc{{"traceEvents", std::move(events)},
           {"displayTimeUnit", "ms"},
           {"otherData",
            {{"wall_seconds", result.wall_seconds},
             {"workers", result.workers},
             {"cancelled", result.cancelled}}}};
  // Invalid UTF-8 in a file name must not make the whole trace unreadable.
  out << doc.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

} // namespace troupe
