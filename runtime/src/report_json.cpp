#include <cstdio>
#include <future>
#include <map>
#include <ostream>

#include <nlohmann/json.hpp>

#include "troupe/actors/agent_registry.hpp"
#include "troupe/actors/json_writer.hpp"
#include "troupe/actors/utf8_text.hpp"
#include "troupe/config/errc.hpp"
#include "troupe/corpus/corpus.hpp"

#include "internal/report_entry.hpp"
#include "internal/report_sections.hpp"
#include "troupe/runtime/analysis.hpp"

namespace troupe {

namespace {

using nlohmann::json;

void write_file(actors::json_writer& w, const file_analysis& f, const corpus::corpus_file& c,
                const std::vector<const corpus::unused_import*>& unused,
                std::string& entry_buffer) {
  w.begin_object()
    .value("path", f.path)
    .value("module", c.module)
    .value("bytes", f.bytes)
    .value("digest", f.digest)
    .value("state", to_string(f.state))
    .value("parse_errors", c.symbols->parse_errors);
  if (!f.detail.empty())
    w.value("detail", f.detail);
  // functions and classes, then the file agents' members: rendered on a
  // worker or found in the cache (internal/report_entry.hpp); both checked
  // the entry's form then.
  std::string_view symbols_part = R"({"functions":[],"classes":[]})", records_part;
  if (f.report_entry)
    (void) detail::unpack_report_entry(*f.report_entry, entry_buffer, symbols_part, records_part);
  w.members(symbols_part);
  w.begin_array("unused_imports");
  for (const auto* u : unused)
    w.begin_object().value("name", u->name).value("line", u->line).end_object();
  w.end_array();
  w.members(records_part);
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
  auto registry = actors::builtin_agents();
  std::uint32_t attempts = 0;
  double busy = 0;
  std::size_t failed = 0;
  std::size_t done = 0;
  std::size_t group1 = 0;
  // A failed task names the agent that threw and the file; each agent's row
  // gets the failures that name it, every row the count of failed tasks.
  std::vector<const std::string*> failures;
  for (const auto& t : r.graph.tasks) {
    if (group1 >= r.graph.tasks.size() - r.corpus_tasks.size())
      break;
    ++group1;
    attempts += t.attempts;
    busy += t.finished_s - t.started_s;
    failed += t.status == task_status::failed;
    done += t.status == task_status::done;
    if (t.status == task_status::failed)
      failures.push_back(&t.error);
  }
  auto status = failed > 0                     ? "failed"
                : done == group1 ? "done"
                : r.graph.cancelled            ? "cancelled"
                                               : "skipped";
  auto parsed = r.count(file_state::parsed);
  auto row = [&](const std::string& id, std::size_t hits) {
    const auto* d = registry.find(id);
    json j{{"id", id},
           {"group", 1},
           {"depends_on", d ? json(d->depends_on) : json::array()},
           {"status", status},
           {"tasks", group1},
           {"attempts", attempts},
           {"wall_seconds", busy},
           {"cache_hits", hits},
           {"cache_misses", r.cached ? parsed - hits : 0}};
    if (failed > 0) {
      std::string reason;
      // The task errors read "agent_failed: AGENT on PATH: message".
      auto prefix = std::string{to_string(errc::agent_failed)} + ": " + id + " on ";
      for (const auto* e : failures)
        if (e->compare(0, prefix.size(), prefix) == 0)
          reason += (reason.empty() ? "" : "; ") + *e;
      j["reason"] = reason.empty() ? std::to_string(failed) + " of " + std::to_string(group1)
                                       + " tasks failed (another agent of the same files)"
                                   : reason;
    }
    return j;
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
  // Corpus agents: one task each, computed from the group-1 records on
  // every run (they are not cached).
  for (std::size_t i = 0; i < options.corpus_agents.size() && i < r.corpus_tasks.size(); ++i) {
    const auto& d = options.corpus_agents[i]->descriptor();
    const auto& t = r.graph.tasks[r.corpus_tasks[i]];
    std::string status = to_string(t.status);
    std::string reason = t.error;
    if (d.id == "deps_lookup" && t.status == task_status::done && r.corpus_results.deps.status == "skipped") {
      status = "skipped";
      reason = r.corpus_results.deps.reason;
    }
    json j{{"id", d.id},
           {"group", static_cast<int>(d.scope)},
           {"depends_on", d.depends_on},
           {"status", status},
           {"tasks", 1},
           {"attempts", t.attempts},
           {"wall_seconds", t.finished_s - t.started_s},
           {"cache_hits", 0},
           {"cache_misses", 0}};
    if (!reason.empty())
      j["reason"] = reason;
    out.push_back(std::move(j));
  }
  if (!options.corpus_agents.empty()) {
    const auto* d = registry.find("report");
    out.push_back({{"id", "report"},
                   {"group", 3},
                   {"depends_on", d ? json(d->depends_on) : json::array()},
                   {"status", r.graph.cancelled ? "cancelled" : "done"},
                   {"tasks", 0},
                   {"attempts", 1},
                   {"wall_seconds", r.report_seconds},
                   {"cache_hits", 0},
                   {"cache_misses", 0}});
  }
  return out;
}

} // namespace

namespace detail {

json agents_section(const analysis_result& r, const analysis_options& options) {
  return agents_json(r, options);
}

report_head make_report_head(const analysis_result& r, const analysis_options& options) {
  report_head head;
  head.root = r.tree.root;
  head.cancelled = r.graph.cancelled;
  head.run = run_section(r, options);
  head.agents = agents_section(r, options);
  head.parsed_files = r.count(file_state::parsed);
  head.files_with_syntax_errors = r.files_with_syntax_errors();
  head.cache = r.cached ? std::to_string(r.cache_hits()) + " files from the cache" : "off";
  return head;
}

std::string text_of(const json& value) {
  if (value.is_string())
    return value.get<std::string>();
  if (value.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", value.get<double>());
    return buf;
  }
  if (value.is_null())
    return {};
  return json_text(value);
}

std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::pair<std::string, std::string>> run_rows(const report_head& head) {
  const auto& run = head.run;
  return {{"profile", text_of(run["profile"])},
          {"workers", text_of(run["workers"])},
          {"files", text_of(run["files"]) + " (" + std::to_string(head.parsed_files)
                      + " parsed, " + std::to_string(head.files_with_syntax_errors)
                      + " with syntax errors)"},
          {"bytes", text_of(run["bytes"])},
          {"wall seconds", text_of(run["wall_seconds"])},
          {"peak RSS bytes", text_of(run["peak_rss_bytes"])},
          {"cache", head.cache}};
}

const std::vector<std::string>& agent_columns() {
  static const std::vector<std::string> columns{
    "id", "group", "status", "attempts", "wall_seconds", "cache_hits", "reason"};
  return columns;
}

json run_section(const analysis_result& r, const analysis_options& options) {
  json run{{"root", actors::escape_non_utf8(r.tree.root)},
           {"profile", actors::escape_non_utf8(options.settings.profile)},
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
             {"too_large", r.count(file_state::too_large)},
             {"bad_name", r.count(file_state::bad_name)},
             {"over_budget", r.count(file_state::over_budget)}}},
           {"files_with_syntax_errors", r.files_with_syntax_errors()},
           {"cache", cache_json(r)}};
  for (const auto& [name, seconds] : r.phases)
    run["phases_s"][name] = seconds;
  const auto& s = r.schedule;
  run["schedule"] = {{"makespan_s", s.makespan},
                     {"critical_path_s", s.critical_path},
                     {"busy_s", s.busy_seconds},
                     {"lower_bound_s", s.lower_bound},
                     {"makespan_over_lower_bound", s.ratio},
                     {"tasks", r.graph.tasks.size()},
                     {"shard_bytes", s.shard_bytes},
                     {"shard_size_from_history", s.from_history}};
  return run;
}

} // namespace detail

namespace detail {

void write_report_content(actors::json_writer& w, const analysis_result& r,
                          const analysis_options& options) {
  // The corpus sections (~6 MB for the default corpus) render on another
  // thread while the files stream; both only read `r`.
  auto sections = std::async(std::launch::async, [&r] {
    std::string text;
    // ~4.5 KiB per file here; room that is never written costs nothing,
    // growing by copies would.
    text.reserve(r.files.size() * (8u << 10));
    actors::json_writer sw{text};
    sw.begin_object();
    write_corpus_sections(sw, r);
    sw.end_object();
    return text;
  });
  // The files are streamed: a DOM of the whole corpus would cost more time
  // and memory than the analysis itself.
  std::vector<std::vector<const corpus::unused_import*>> unused(r.files.size());
  for (const auto& u : r.corpus_results.unused_imports.items)
    if (u.file < unused.size())
      unused[u.file].push_back(&u);
  static const corpus::corpus_file no_records;
  std::string entry_buffer;
  w.begin_array("files");
  for (std::size_t i = 0; i < r.files.size(); ++i) {
    w.newline();
    write_file(w, r.files[i], i < r.corpus.files.size() ? r.corpus.files[i] : no_records,
               unused[i], entry_buffer);
  }
  w.end_array().newline();
  w.members(sections.get());
}

void write_report_json(std::ostream& out, const nlohmann::json& run, const nlohmann::json& agents,
                       std::string_view content) {
  {
    actors::json_writer w{out};
    w.begin_object().raw("run", json_text(run)).raw("agents", json_text(agents)).members(content);
    w.end_object();
  }
  out.put('\n');
}

} // namespace detail

void write_report_json(std::ostream& out, const analysis_result& r,
                       const analysis_options& options) {
  {
    actors::json_writer w{out};
    w.begin_object()
      .raw("run", detail::json_text(detail::run_section(r, options)))
      .raw("agents", detail::json_text(detail::agents_section(r, options)));
    detail::write_report_content(w, r, options);
    w.end_object();
  }
  out.put('\n');
}

} // namespace troupe
