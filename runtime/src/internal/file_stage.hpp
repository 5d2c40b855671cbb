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

#include <cstdint>
#include <string>
#include <vector>

#include "troupe/runtime/analysis.hpp"

namespace troupe::cache {
class tiered_cache;
struct digest;
} // namespace troupe::cache

namespace troupe::detail {

/// The file agents of a run and the versions their record keys carry,
/// rendered once per run rather than once per file.
struct stage_agents {
  explicit stage_agents(const file_agent_list& agents);
  const file_agent_list& list;
  /// Per agent of `list`: its version as text.
  std::vector<std::string> versions;
  /// The version of the report entries rendered for `list`.
  std::string entry_version;
};

/// Analyses one file on the calling (worker) thread. `cache` may be null.
/// The keys need the content's digest: the file is read and digested,
/// unless `known_digest` gives it (the caller read the file already) and
/// every record is found in `cache`. The file is parsed once, and only when
/// some agent's record is not cached. An agent (`symbols` included) that
/// throws fails on this file only: its record stays null and its message
/// is kept in file_analysis::agent_failures.
/// With `content`, the file's bytes come from there (a task that carries
/// them, on a node that cannot read the origin's files), not from `root`.
file_analysis analyse_file(const std::string& root, const source_file& file,
                           std::uint64_t max_bytes, cache::tiered_cache* cache,
                           const stage_agents& agents,
                           const cache::digest* known_digest = nullptr,
                           const std::string_view* content = nullptr);

} // namespace troupe::detail
