#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <future>
#include <map>
#include <ostream>

#include <nlohmann/json.hpp>

#include "troupe/actors/corpus/corpus.hpp"
#include "troupe/actors/json_writer.hpp"
#include "troupe/actors/source/utf8_text.hpp"
#include "troupe/base/errc.hpp"

#include "troupe/analysis/analysis.hpp"
#include "troupe/analysis/internal/report_entry.hpp"
#include "troupe/reports/findings.hpp"
#include "troupe/reports/internal/report_sections.hpp"
#include "troupe/reports/reports.hpp"
#include "troupe/runtime/version.hpp"

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

/// Per-agent rows: an agent's tasks folded into one entry, with its own
/// time (group-1 agents share their tasks' files and parse, but each is
/// timed, retried and failed on its own), attempts, status and failures.
json agents_json(const analysis_result& r, const analysis_options& options) {
  auto rows = summarise_agents(r, options);
  const auto& agents = options.agents.agents();
  json out = json::array();
  auto parsed = r.count(file_state::parsed);
  for (std::size_t i = 0; i < rows.size() && i < agents.size(); ++i) {
    const auto& row = rows[i];
    const auto& d = agents[i].descriptor;
    std::string status = to_string(row.status);
    std::string reason = row.error.message();
    double seconds = row.seconds;
    if (d.id == "report") {
      // Written by this very task, at its end: it is done once the reader
      // holds this file.
      status = "done";
      seconds = r.report_seconds;
      reason.clear();
    } else if (d.id == "deps_lookup" && row.status == task_status::done
               && r.corpus_results.deps.status == "skipped") {
      status = "skipped";
      reason = r.corpus_results.deps.reason;
    }
    for (const auto* gen : {&r.corpus_results.generated_tests, &r.corpus_results.generated_docs})
      if (d.id == (gen == &r.corpus_results.generated_tests ? "codegen_tests" : "codegen_docs")
          && row.status == task_status::done && gen->status == "skipped") {
        status = "skipped";
        reason = gen->reason;
      }
    bool per_item = d.scope == agent_scope::per_item;
    json j{{"id", d.id},
           {"group", static_cast<int>(d.scope)},
           {"depends_on", d.depends_on},
           {"status", status},
           {"tasks", row.tasks},
           {"attempts", row.attempts},
           {"wall_seconds", seconds},
           {"cache_hits", row.cache_hits},
           {"cache_misses", per_item && r.cached ? parsed - std::min<std::size_t>(parsed, row.cache_hits) : 0}};
    if (!reason.empty())
      j["reason"] = reason;
    if (!row.failures.empty()) {
      json failed = json::array();
      for (const auto& f : row.failures) {
        json one{{"error", f.error.message()}};
        if (f.item < r.files.size())
          one["path"] = r.files[f.item].path;
        failed.push_back(std::move(one));
      }
      j["failures"] = std::move(failed);
    }
    out.push_back(std::move(j));
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
  head.cache = r.cached ? std::to_string(r.cache_hits()) + " of "
                            + std::to_string(head.parsed_files) + " files from the cache"
                        : "off";
  head.score = r.corpus_results.scores.overall;
  auto counts = count_findings(collect_findings(r));
  std::copy(std::begin(counts.by_severity), std::end(counts.by_severity), head.findings);
  return head;
}

std::string human_number(double value) {
  char buf[64];
  if (std::fabs(value) >= 1000 || value == std::floor(value)) {
    auto n = static_cast<long long>(std::llround(value));
    auto digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0)
        out += ',';
      out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
  }
  if (std::fabs(value) < 0.001)
    return value < 0 ? "> -0.001" : "< 0.001"; // %g would print an exponent
  std::snprintf(buf, sizeof buf, std::fabs(value) >= 10 ? "%.1f" : "%.3g", value);
  return buf;
}

std::string human_bytes(std::uint64_t n) {
  char buf[32];
  if (n >= (1ull << 30))
    std::snprintf(buf, sizeof buf, "%.2f GiB", n / double(1ull << 30));
  else if (n >= (1ull << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", n / double(1ull << 20));
  else if (n >= 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
  return buf;
}

std::string human_seconds(double seconds) {
  char buf[32];
  if (seconds >= 100)
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  else if (seconds >= 0.1)
    std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  else
    std::snprintf(buf, sizeof buf, "%.1f ms", seconds * 1000);
  return buf;
}

void write_body(std::ostream& out, std::string_view body, const std::string& root) {
  static const char hex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : root) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 15];
    }
  }
  if (uri.back() != '/')
    uri += '/';
  for (;;) {
    auto at = body.find(root_placeholder);
    out.write(body.data(), static_cast<std::streamsize>(std::min(at, body.size())));
    if (at == std::string_view::npos)
      break;
    out << uri;
    body.remove_prefix(at + root_placeholder.size());
  }
}

std::string text_of(const json& value) {
  if (value.is_string())
    return value.get<std::string>();
  if (value.is_number_float())
    return human_number(value.get<double>());
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
          {"source", human_bytes(run.value("bytes", std::uint64_t{0}))},
          {"wall time", human_seconds(run.value("wall_seconds", 0.0))},
          {"peak memory (RSS)", human_bytes(run.value("peak_rss_bytes", std::uint64_t{0}))},
          {"cache", head.cache}};
}

const std::vector<std::string>& agent_columns() {
  static const std::vector<std::string> columns{
    "id", "group", "status", "attempts", "wall_seconds", "cache_hits", "reason"};
  return columns;
}

/// The nodes that took part: this process ("local") first, then each
/// other node with its share of the work.
json nodes_json(const analysis_result& r) {
  json out = json::array();
  for (const auto& n : r.graph.nodes) {
    json node{{"name", n.name},
              {"workers", n.workers},
              {"tasks", n.tasks},
              {"busy_seconds", n.busy_seconds},
              {"bytes_sent", n.bytes_sent},
              {"bytes_received", n.bytes_received},
              {"cache_hits", n.cache_hits},
              {"lost", n.lost}};
    if (n.lost_at_s >= 0)
      node["lost_at_s"] = n.lost_at_s;
    if (n.redispatched_at_s >= 0)
      node["redispatched_at_s"] = n.redispatched_at_s;
    if (n.error)
      node["error"] = n.error.message();
    out.push_back(std::move(node));
  }
  if (out.empty())
    out.push_back({{"name", "local"}, {"workers", r.workers}});
  return out;
}

json run_section(const analysis_result& r, const analysis_options& options) {
  json run{{"root", actors::escape_non_utf8(r.tree.root)},
           {"profile", actors::escape_non_utf8(options.settings.profile)},
           {"workers", r.workers},
           {"nodes", nodes_json(r)},
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
           {"excluded",
            {{"default", r.tree.excluded_by_default},
             {"gitignore", r.tree.excluded_by_gitignore},
             {"option", r.tree.excluded_by_option}}},
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

void write_report_preamble(actors::json_writer& w) {
  // RFC 3339 UTC time of writing.
  char stamp[32];
  auto now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  w.value("schema_version", static_cast<std::uint64_t>(report_schema_version))
    .raw("tool", json{{"name", "troupe"}, {"version", version()}}.dump())
    .value("generated_at", std::string{stamp});
}

void write_report_json(std::ostream& out, const nlohmann::json& run, const nlohmann::json& agents,
                       std::string_view content) {
  {
    actors::json_writer w{out};
    w.begin_object();
    write_report_preamble(w);
    w.raw("run", json_text(run)).raw("agents", json_text(agents)).members(content);
    w.end_object();
  }
  out.put('\n');
}

} // namespace detail

void write_report_json(std::ostream& out, const analysis_result& r,
                       const analysis_options& options) {
  {
    actors::json_writer w{out};
    w.begin_object();
    detail::write_report_preamble(w);
    w.raw("run", detail::json_text(detail::run_section(r, options)))
      .raw("agents", detail::json_text(detail::agents_section(r, options)));
    detail::write_report_content(w, r, options);
    w.end_object();
  }
  out.put('\n');
}

} // namespace troupe
