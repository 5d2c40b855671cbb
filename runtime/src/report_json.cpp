#include <map>
#include <ostream>

#include <nlohmann/json.hpp>

#include "troupe/actors/json_writer.hpp"

#include "troupe/runtime/analysis.hpp"

namespace troupe {

namespace {

using nlohmann::json;

void write_function(actors::json_writer& w, const actors::function_record& f) {
  w.begin_object()
    .value("qualname", f.qualname)
    .value("name", f.name)
    .value("line", f.line)
    .value("end_line", f.end_line)
    .value("async", f.is_async)
    .value("method", f.is_method)
    .value("params", f.params)
    .value("annotated_params", f.annotated_params)
    .value("returns_annotated", f.returns_annotated)
    .value("decorators", f.decorators)
    .value("docstring", f.has_docstring)
    .end_object();
}

void write_class(actors::json_writer& w, const actors::class_record& c) {
  w.begin_object()
    .value("qualname", c.qualname)
    .value("name", c.name)
    .value("line", c.line)
    .value("end_line", c.end_line)
    .value("bases", c.bases)
    .value("decorators", c.decorators)
    .value("docstring", c.has_docstring)
    .end_object();
}

void write_file(actors::json_writer& w, const file_analysis& f, const file_agent_list& agents) {
  w.begin_object()
    .value("path", f.path)
    .value("bytes", f.bytes)
    .value("digest", f.digest)
    .value("state", to_string(f.state))
    .value("parse_errors", f.symbols.parse_errors);
  if (!f.detail.empty())
    w.value("detail", f.detail);
  w.begin_array("functions");
  for (const auto& fn : f.symbols.functions)
    write_function(w, fn);
  w.end_array().begin_array("classes");
  for (const auto& c : f.symbols.classes)
    write_class(w, c);
  w.end_array();
  for (std::size_t i = 0; i < agents.size() && i < f.records.size(); ++i) {
    if (f.records[i] && !agents[i]->write_json(*f.records[i], w))
      w.value(agents[i]->descriptor().id + "_error", "record does not decode");
  }
  w.end_object();
}

json tier_json(const cache::tier_stats& t) {
  auto us = [](const cache::latency_histogram& h, double q) {
    return h.count() ? h.quantile(q).count() / 1000.0 : 0.0;
  };
  return {{"hits", t.hits},
          {"misses", t.misses},
          {"bytes_read", t.bytes_read},
          {"bytes_written", t.bytes_written},
          {"write_errors", t.write_errors},
          {"hit_latency_us", {{"p50", us(t.hit_latency, 0.5)}, {"p99", us(t.hit_latency, 0.99)}}}};
}

json cache_json(const analysis_result& r) {
  json out{{"enabled", r.cached}};
  const auto& tiers = r.cache_stats.tiers;
  for (auto tier : {cache::cache_tier::l1, cache::cache_tier::l2, cache::cache_tier::l3})
    out[std::string{cache::to_string(tier)}] = tier_json(tiers[static_cast<std::size_t>(tier)]);
  out["l2"]["corrupt"] = r.corrupt_records;
  // Why the misses of files seen in an earlier run missed, by key part.
  std::map<std::string, std::uint64_t> why;
  for (const auto& f : r.files)
    for (const auto& part : f.why_missed)
      ++why[part];
  out["why_missed"] = why;
  return out;
}

/// Per-agent rows: tasks of one agent are folded into one entry.
/// One row per group-1 agent. They share the run's tasks (a file is parsed
/// once for all of them), so status, tasks and attempts are those of the
/// tasks; cache hits and misses are the agent's own.
json agents_json(const analysis_result& r, const analysis_options& options) {
  std::uint32_t attempts = 0;
  double busy = 0;
  std::size_t failed = 0;
  std::size_t done = 0;
  for (const auto& t : r.graph.tasks) {
    attempts += t.attempts;
    busy += t.finished_s - t.started_s;
    failed += t.status == task_status::failed;
    done += t.status == task_status::done;
  }
  auto status = failed > 0                     ? "failed"
                : done == r.graph.tasks.size() ? "done"
                : r.graph.cancelled            ? "cancelled"
                                               : "skipped";
  auto parsed = r.count(file_state::parsed);
  auto row = [&](const std::string& id, std::size_t hits) {
    return json{{"id", id},
                {"group", 1},
                {"depends_on", json::array()},
                {"status", status},
                {"tasks", r.graph.tasks.size()},
                {"attempts", attempts},
                {"wall_seconds", busy},
                {"cache_hits", hits},
                {"cache_misses", r.cached ? parsed - hits : 0}};
  };
  json out = json::array();
  out.push_back(row("symbols", r.cache_hits()));
  out.back()["stage_seconds"] = r.stage_seconds();
  for (std::size_t i = 0; i < options.file_agents.size(); ++i) {
    std::size_t hits = 0;
    for (const auto& f : r.files)
      hits += i < f.record_hits.size() && f.record_hits[i];
    out.push_back(row(options.file_agents[i]->descriptor().id, hits));
  }
  return out;
}

} // namespace

void write_report_json(std::ostream& out, const analysis_result& r,
                       const analysis_options& options) {
  json run{{"root", r.tree.root},
           {"profile", options.settings.profile},
           {"workers", r.workers},
           {"nodes", json::array({"local"})},
           {"wall_seconds", r.wall_seconds},
           {"files", r.files.size()},
           {"bytes", r.bytes},
           {"peak_rss_bytes", r.peak_rss_bytes},
           {"complete", !r.graph.cancelled},
           {"skipped_files",
            {{"unreadable", r.count(file_state::unreadable)},
             {"binary", r.count(file_state::binary)},
             {"not_utf8", r.count(file_state::not_utf8)},
             {"too_large", r.count(file_state::too_large)}}},
           {"files_with_syntax_errors", r.files_with_syntax_errors()},
           {"cache", cache_json(r)}};
  for (const auto& [name, seconds] : r.phases)
    run["phases_s"][name] = seconds;
  // The files are streamed: a DOM of the whole corpus would cost more time
  // and memory than the analysis itself.
  actors::json_writer w{out};
  w.begin_object().raw("run", run.dump()).raw("agents", agents_json(r, options).dump());
  w.begin_array("files");
  for (const auto& f : r.files) {
    out.put('\n');
    write_file(w, f, options.file_agents);
  }
  w.end_array().end_object();
  out.put('\n');
}

} // namespace troupe
