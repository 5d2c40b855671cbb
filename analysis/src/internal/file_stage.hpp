// File: the per-file stage of a run: read, digest, then the group-1 records
// (symbols and every file agent's) from the cache or from one parse.
// Internal.
//
// Cache use: one `tiered_cache::get_group` per file, keyed per record as
// DESIGN.md says (agent id and version, grammar version, settings, content
// digest); on disk the records of one file content share one L2 bundle
// (`bundle_key("group1", digest)`), so a warm run opens one L2 file per
// source file and a cold run writes one. Only the records that missed are
// computed; `put_group` then rewrites the bundle once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/source/parse_budget.hpp"
#include "troupe/analysis/analysis.hpp"

namespace troupe::cache {
class tiered_cache;
struct digest;
} // namespace troupe::cache

namespace troupe::detail {

/// What parsing one file may cost (agents.file_timeout, agents.file_memory)
/// and the memory every parse of the run shares (a quarter of
/// parallel.memory_limit, when one is set).
struct file_budget {
  std::chrono::milliseconds time{0};
  std::uint64_t memory = 0;
  /// A quarter of parallel.memory_limit (L1 keeps at most half of it, the
  /// rest of the run the remainder); null without a limit.
  std::shared_ptr<actors::parse_memory_pool> pool;
  std::uint64_t memory_limit = 0;
  /// The task's time a file's parse may use up, as a share of
  /// agents.task_timeout: the agents that read the tree and the shard's
  /// other files need the rest.
  std::chrono::milliseconds task_timeout{0};
};

/// The budget of `options`' settings.
file_budget file_budget_of(const analysis_options& options);

/// The file agents of a run and the versions their record keys carry,
/// rendered once per run rather than once per file; and the run's budget
/// per file.
struct stage_agents {
  explicit stage_agents(const file_agent_list& agents, file_budget budget = {});
  const file_agent_list& list;
  /// Per agent of `list`: its version as text.
  std::vector<std::string> versions;
  /// The version of the report entries rendered for `list`.
  std::string entry_version;
  file_budget budget;
};

/// Where a file is analysed: its task's start (the parse must end well
/// before the task's time does) and the run's cancellation flag.
struct file_task {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  const std::atomic<bool>* cancelled = nullptr;
};

/// Analyses one file on the calling (worker) thread. `cache` may be null.
/// The keys need the content's digest: the file is read and digested,
/// unless `known_digest` gives it (the caller read the file already) and
/// every record is found in `cache`. The file is parsed once, and only when
/// some agent's record is not cached, within the stage's file_budget: a
/// file over it is skipped (state over_budget, nothing cached), a parse
/// the run's cancellation stopped leaves it pending. An agent (`symbols`
/// included) that throws fails on this file only: its record stays null
/// and its message is kept in file_analysis::agent_failures.
/// With `content`, the file's bytes come from there (a task that carries
/// them, on a node that cannot read the origin's files), not from `root`.
/// `task` gives the attempt's start and the run's cancellation flag.
/// The L2 and L3 key of the bundle that holds a file's group-1 records.
cache::cache_key file_bundle_key(const cache::digest& content);

file_analysis analyse_file(const std::string& root, const source_file& file,
                           std::uint64_t max_bytes, cache::tiered_cache* cache,
                           const stage_agents& agents,
                           const cache::digest* known_digest = nullptr,
                           const std::string_view* content = nullptr,
                           const file_task& task = {});

} // namespace troupe::detail
