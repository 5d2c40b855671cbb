// File: the per-run state of an analysis: what its lanes read (the tree,
// the cache, the stage's agents) and where the replies' results go (the
// analysis result, the decoded corpus). Internal.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "internal/file_stage.hpp"
#include "troupe/analysis/analysis.hpp"
#include "troupe/runtime/internal/agent_executor.hpp"

namespace troupe::detail {

/// What a lane decoded of one file, carried by its reply while the reply
/// stays in the process (file_report::decoded), so the corpus is built on
/// the lanes, not on the supervisor's thread.
struct decoded_file {
  file_analysis analysis;
  corpus::corpus_file corpus;
};

/// Indexes of the records later groups read, among the stage's file agents.
struct record_slots {
  static constexpr auto none = static_cast<std::size_t>(-1);
  std::size_t size = none, complexity = none, imports = none, docstrings = none;
  std::size_t todos = none, security = none, naming = none;

  explicit record_slots(const file_agent_list& agents);
};

/// Shares the symbols record of `f` with `c` and decodes the records the
/// corpus agents read; a record that does not decode leaves its part empty.
void collect_records(file_analysis& f, const record_slots& slots, corpus::corpus_file& c);

/// What the file stage needs of a run on any process: the registry's
/// group-1 agents. A node serving another process's run has only this.
class file_stage_locals : public run_locals {
public:
  file_stage_locals(const agent_registry& agents, std::uint64_t max_file_bytes);

  file_agent_list file_agents;
  stage_agents stage;
  record_slots slots;
  /// Per group-1 agent id: its index in the stage (0: symbols, i + 1:
  /// file_agents[i]).
  std::unordered_map<std::string, std::size_t> stage_index;
  /// Files larger than this are skipped.
  std::uint64_t max_file_bytes;
};

/// The run-local state of one analysis on the process that owns it.
class analysis_locals final : public file_stage_locals {
public:
  analysis_locals(const analysis_options& options, analysis_result& out);

  /// The file stage's inputs.
  const analysis_options& options;
  std::string root;
  const std::vector<source_file>* sources = nullptr;
  /// Content digests known before the run (same order), or null.
  const std::vector<cache::digest>* digests = nullptr;
  cache::tiered_cache* cache = nullptr;

  /// Where results go.
  analysis_result& out;
  /// When the analysis, and its analyse phase, started.
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point analyse_started;

  /// The report task, and the outcomes when it was dispatched.
  std::optional<std::size_t> report_task;
  graph_result report_view;

  void before_dispatch(std::size_t task, const graph_result& so_far) override;
  void on_reply(task_reply& reply) override;
  void fill_content(task_item& item) override;

private:
  /// Rebuilds a file's results from a reply that crossed nodes (its records
  /// as bytes) and decodes what the corpus reads, here.
  void take_remote(const task_reply& reply, file_report& report);
};

/// Fills the result's totals from what it holds so far: bytes, the
/// analyse phase, schedule, wall time, cache statistics and peak RSS (the
/// report task calls it with the outcomes it was dispatched with, the run
/// again at its end).
void complete_result(analysis_result& out, const analysis_options& options,
                     std::chrono::steady_clock::time_point started,
                     std::chrono::steady_clock::time_point analyse_started);

/// Executors of a corpus agent and of the report (analysis/src/corpus_executor.cpp).
std::shared_ptr<const agent_executor>
make_corpus_executor(std::shared_ptr<const corpus::corpus_agent> agent);
std::shared_ptr<const agent_executor> make_report_executor();

} // namespace troupe::detail
