// File: the main job: analyse a source tree with the runtime's workers.
//
// Usage:
//
//   troupe::runtime rt{opts};
//   troupe::analysis_options ao;
//   ao.root = "/usr/lib/python3.11";
//   troupe::analysis_result res;
//   if (auto err = troupe::run_analysis(rt, ao, res)) fail(err.message());
//
// The run's DAG is `ao.agents` (builtin_agents() unless the host changes
// it): group-1 agents run as tasks per shard of files on the file stage's
// lanes (one parse per file, each agent timed and failed on its own), each
// corpus agent as one task on a lane of its own, and `report` as the last
// task, which calls `ao.report` to write the reports.
//
// Thread-safety: one analysis per runtime at a time (runs are serialised).
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "troupe/actors/corpus/corpus.hpp"
#include "troupe/actors/file/file_agent.hpp"
#include "troupe/actors/file/symbols_view.hpp"
#include "troupe/actors/source/python_source.hpp"
#include "troupe/analysis/builtin_agents.hpp"
#include "troupe/analysis/source_tree.hpp"
#include "troupe/base/error.hpp"
#include "troupe/cache/cache_stats.hpp"
#include "troupe/config/settings.hpp"
#include "troupe/runtime/agent_registry.hpp"
#include "troupe/runtime/graph_result.hpp"
#include "troupe/runtime/runtime.hpp"

namespace troupe::cache {
class tiered_cache;
} // namespace troupe::cache

namespace troupe {

/// The file (group 1) agents a run applies, besides `symbols`.
using file_agent_list = std::vector<std::shared_ptr<const actors::file_agent>>;

struct analysis_result;
struct analysis_options;

/// Writes a run's reports; called by the `report` agent's task, once every
/// other agent is final, with the result so far (`graph` holds the other
/// tasks' outcomes; the report's own is still pending).
using report_writer = std::function<troupe::error(analysis_result& so_far)>;

/// What to analyse and how.
struct analysis_options {
  /// Directory to analyse.
  std::string root;
  /// What the walk of `root` leaves out (none by default; `troupe run`
  /// fills it from the profile's `analysis` section and its options).
  walk_options walk{{}, false, false};
  /// `root` walked already (e.g. by the command's run-memo lookup); walked
  /// by the run when empty.
  std::optional<source_tree> walked_tree;
  /// The content digest of every file of `walked_tree`, same order, when
  /// the caller read them already (the run-memo lookup): a file whose
  /// records are all cached is then not read again. Empty: every file is
  /// read and digested by the run.
  std::vector<cache::digest> content_digests;
  /// Validated settings (profile plus overrides).
  config::settings settings;
  /// Files larger than this are skipped with a warning.
  std::uint64_t max_file_bytes = 5ull << 20;
  /// The agents to run, whose edges are the run's DAG: per-item agents of
  /// the file stage (agent_definition::file_agent, and `symbols`) run per
  /// shard of files, every other agent as one task. Without `report` (or
  /// without a `report` writer below) no report task runs.
  agent_registry agents = builtin_agents();
  /// Writes the reports, as the `report` agent's task.
  report_writer report;
  /// Other nodes lending worker slots: group-1 tasks may run there (their
  /// files travel with them), the corpus agents and the report run here.
  std::vector<std::shared_ptr<detail::remote_node>> nodes;
  /// Whether this process's slots run group-1 tasks while a node's slot
  /// could (see graph_run_options::local_item_work).
  bool local_item_work = true;
  /// Output folder, package index and bounds for the corpus agents.
  corpus::corpus_context corpus_context;
  /// Keep every file's serialised records in file_analysis::records after
  /// the run (they take about as much memory as the sources).
  bool keep_records = false;
  /// The result cache; null runs uncached. Shared so that a host (or a
  /// benchmark) can keep one cache across runs in the same process.
  std::shared_ptr<cache::tiered_cache> cache;
  /// Target source bytes per group-1 task; files are grouped into shards of
  /// about this size so that one task costs a few milliseconds. 0 (the
  /// default): sized from the rate the last run measured (history_file),
  /// for tasks of about 20 ms, within 16 KiB - 1 MiB.
  std::uint64_t shard_bytes = 0;
  /// Where task durations of earlier runs are kept (a JSON file in the
  /// cache folder); empty: no history, default costs.
  std::string history_file;
  /// Where the content digests of the last root's files are remembered by
  /// their stat identity (a file in the cache folder), so that reading the
  /// inputs for the run memo's key reads only files that changed; empty:
  /// every file is read.
  std::string digest_memo_file;
  /// Called with the built graph and the run's options just before the run
  /// starts, to observe it (progress, trace labels); may set or wrap
  /// `on_task_finished`.
  std::function<void(const task_graph&, graph_run_options&)> before_run;
};

/// The file agents of `agents` (registry order): those computed from a
/// file's syntax tree, besides `symbols`.
file_agent_list file_agents_of(const agent_registry& agents);

/// Why a file yielded no syntax tree, if it did not; `pending` files were
/// never reached because the run was cancelled.
enum class file_state : std::uint8_t {
  parsed,
  unreadable,
  binary,
  not_utf8,
  too_large,
  /// The file's name is not UTF-8 (source_file::name_not_utf8).
  bad_name,
  /// Parsing it needed more time or memory than a file may take
  /// (agents.file_timeout, agents.file_memory).
  over_budget,
  pending,
};

/// The stable name of a file state, as used in reports.
const char* to_string(file_state state) noexcept;

/// Everything the run learned about one file.
struct file_analysis {
  /// Path relative to the analysed root.
  std::string path;
  std::uint64_t bytes = 0;
  /// XXH3-128 of the file's bytes, hex.
  std::string digest;
  file_state state = file_state::parsed;
  /// Encoding the text was decoded from (empty when served from the cache).
  std::string encoding;
  std::string detail;
  /// The symbols record (never null), shared with analysis_result::corpus.
  actors::symbols_ptr symbols = actors::no_symbols();
  /// Its serialised form, while a reply that carries it is on its way (a
  /// node's results); null otherwise.
  std::shared_ptr<const std::string> symbols_record;
  /// Whether the symbols record came from the cache.
  bool cache_hit = false;
  /// Serialised records of analysis_options::file_agents, same order, with
  /// analysis_options::keep_records; empty otherwise (released once the
  /// corpus has decoded what it reads: report_entry holds what report.json
  /// shows of them) and for files that were not parsed.
  std::vector<std::shared_ptr<const std::string>> records;
  /// 1 where the record came from the cache.
  std::vector<char> record_hits;
  /// The file's content-derived part of its report.json entry (functions,
  /// classes, the file agents' members), rendered from `symbols` and
  /// `records` or found in the cache next to them; null for files that
  /// were not parsed. Packed (LZ4; see analysis/troupe/analysis/internal/report_entry.hpp).
  std::shared_ptr<const std::string> report_entry;
  /// A cached record passed its checksum but did not decode; recomputed.
  bool corrupt_record = false;
  /// On a miss for a file seen before: the key parts that changed.
  std::vector<std::string> why_missed;
  /// Non-empty when storing the record failed (disk full, read-only, ...).
  std::string cache_error;
  /// Whether every record of the file (symbols and every file agent's) came
  /// from the cache: nothing was parsed.
  bool from_cache() const noexcept {
    for (char hit : record_hits)
      if (!hit)
        return false;
    return cache_hit;
  }

  /// Seconds spent getting the symbols record: cache lookup and decode on a
  /// hit, decode-parse-extract (and store) on a miss; reading excluded.
  double stage_seconds = 0;
  /// Of that, the work the agents share: cache lookup, decoding the text
  /// and the parse.
  double parse_seconds = 0;
  /// Per agent (index 0: symbols, then the file agents in order): seconds
  /// of its own work on this file, and why it failed on it (empty: it did
  /// not); a failed agent's record is null and nothing depending on it is
  /// cached.
  std::vector<double> agent_seconds;
  std::vector<std::string> agent_failures;
};

/// How well the run's schedule used its workers, from the measured task
/// durations of the same run (DESIGN.md, issue "supervisor and worker pool").
struct schedule_stats {
  /// First task start to last task end.
  double makespan = 0;
  /// Longest dependency chain of measured task durations.
  double critical_path = 0;
  /// Sum of task durations.
  double busy_seconds = 0;
  /// max(critical_path, busy_seconds / workers): no schedule can be shorter.
  double lower_bound = 0;
  /// makespan / lower_bound (>= 1).
  double ratio = 0;
  /// Source bytes per group-1 shard, and whether the size came from a past
  /// run's measured rate.
  std::uint64_t shard_bytes = 0;
  bool from_history = false;

  /// Computes the figures from a run of `graph`.
  void measure(const task_graph& graph, const graph_result& result, std::uint32_t workers);
};

/// The outcome of one analysis.
struct analysis_result {
  source_tree tree;
  /// One entry per file of `tree.files`, same order.
  std::vector<file_analysis> files;
  graph_result graph;
  /// The decoded group-1 records of every file (same order as `files`) and
  /// what the corpus agents computed from them.
  corpus::corpus corpus;
  corpus::corpus_results corpus_results;
  /// The task graph the run planned from analysis_options::agents, and the
  /// tasks of each agent (same order as the registry's agents).
  task_graph plan;
  std::vector<std::vector<std::size_t>> agent_tasks;
  /// Seconds the `report` agent spent on report.md and report.html (set
  /// by the writer before report.json, which reports it).
  double report_seconds = 0;
  schedule_stats schedule;
  std::uint32_t workers = 0;
  std::uint64_t bytes = 0;
  double wall_seconds = 0;
  std::uint64_t peak_rss_bytes = 0;
  /// Whether a cache was used, its statistics after the run, and the
  /// number of corrupt disk records met (each counted as a miss).
  /// Wall seconds of the phases of the run, in order ("walk", "analyse", ...).
  std::vector<std::pair<std::string, double>> phases;
  bool cached = false;
  cache::tiered_stats cache_stats;
  std::uint64_t corrupt_records = 0;

  /// Number of files in the given state.
  std::size_t count(file_state state) const noexcept;
  /// Sum of the files' stage_seconds (CPU-bound work across workers).
  double stage_seconds() const noexcept;
  /// Number of files whose record came from the cache.
  std::size_t cache_hits() const noexcept;
  /// Number of parsed files with at least one syntax error.
  std::size_t files_with_syntax_errors() const noexcept;
};

/// The peak resident set size of this process so far, in bytes.
std::uint64_t peak_rss_bytes() noexcept;

/// Walks, digests and parses the tree and runs the agents on the runtime's
/// lanes, then (the `report` task) writes the reports. Fails when the root
/// cannot be walked; per-file and per-agent problems are recorded in the
/// result, never fatal.
troupe::error run_analysis(runtime& rt, const analysis_options& options, analysis_result& out);

/// One row per agent of the run (registry order): its tasks folded into
/// one status, attempts, own seconds, cache hits and failures.
std::vector<agent_summary> summarise_agents(const analysis_result& result,
                                            const analysis_options& options);

} // namespace troupe
