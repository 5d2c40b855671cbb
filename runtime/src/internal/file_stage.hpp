// File: the per-file stage of a run: read, digest, then the symbols record
// from the cache or from a parse. Internal.
#pragma once

#include <cstdint>
#include <string>

#include "troupe/runtime/analysis.hpp"

namespace troupe::cache {
class tiered_cache;
} // namespace troupe::cache

namespace troupe::detail {

/// Analyses one file on the calling (worker) thread. `cache` may be null.
/// Reading and digesting are always done (the keys need the content); the
/// file is parsed once, and only when some agent's record is not cached.
file_analysis analyse_file(const std::string& root, const source_file& file,
                           std::uint64_t max_bytes, cache::tiered_cache* cache,
                           const file_agent_list& agents);

} // namespace troupe::detail
