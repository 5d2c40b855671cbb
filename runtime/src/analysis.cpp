#include "troupe/runtime/analysis.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

#include <sys/resource.h>

#include <spdlog/spdlog.h>

#include "internal/file_stage.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/runtime/error.hpp"

namespace troupe {

namespace {

/// Source bytes per second one worker parses and extracts, to estimate task
/// costs for ranking before any duration was measured.
constexpr double assumed_bytes_per_second = 8e6;

/// Groups file indexes into shards of about `target` bytes, largest files
/// first, so the biggest tasks get the highest rank and start first.
std::vector<std::vector<std::size_t>> make_shards(const std::vector<source_file>& files,
                                                  std::uint64_t target) {
  std::vector<std::size_t> order(files.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return files[a].bytes > files[b].bytes; });
  std::vector<std::vector<std::size_t>> shards;
  std::uint64_t filled = target;
  for (auto i : order) {
    if (filled >= target) {
      shards.emplace_back();
      filled = 0;
    }
    shards.back().push_back(i);
    filled += files[i].bytes;
  }
  return shards;
}

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

} // namespace

const char* to_string(file_state state) noexcept {
  switch (state) {
    case file_state::parsed: return "parsed";
    case file_state::unreadable: return "unreadable";
    case file_state::binary: return "binary";
    case file_state::not_utf8: return "not_utf8";
    case file_state::too_large: return "too_large";
    case file_state::pending: return "pending";
  }
  return "unknown";
}

std::size_t analysis_result::count(file_state state) const noexcept {
  return static_cast<std::size_t>(std::count_if(
    files.begin(), files.end(), [state](const file_analysis& f) { return f.state == state; }));
}

double analysis_result::stage_seconds() const noexcept {
  double sum = 0;
  for (const auto& f : files)
    sum += f.stage_seconds;
  return sum;
}

std::size_t analysis_result::cache_hits() const noexcept {
  return static_cast<std::size_t>(
    std::count_if(files.begin(), files.end(), [](const file_analysis& f) { return f.cache_hit; }));
}

std::size_t analysis_result::files_with_syntax_errors() const noexcept {
  return static_cast<std::size_t>(std::count_if(files.begin(), files.end(), [](const auto& f) {
    return f.state == file_state::parsed && f.symbols.parse_errors > 0;
  }));
}

bool run_analysis(runtime& rt, const analysis_options& options, analysis_result& out,
                  std::string& error) {
  auto started = std::chrono::steady_clock::now();
  out = analysis_result{};
  if (!walk_source_tree(options.root, out.tree, error))
    return false;
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  out.phases.emplace_back("walk", seconds_since(started));
  auto analyse_started = std::chrono::steady_clock::now();
  const auto& root = out.tree.root;
  out.files.resize(out.tree.files.size());
  task_graph graph;
  auto max_bytes = options.max_file_bytes;
  for (auto& shard : make_shards(out.tree.files, options.shard_bytes)) {
    std::uint64_t bytes = 0;
    for (auto i : shard)
      bytes += out.tree.files[i].bytes;
    auto name = "group1[" + out.tree.files[shard.front()].path + " +"
                + std::to_string(shard.size() - 1) + "]";
    // Each task writes only the slots of its own shard; the run's completion
    // message orders those writes before the host reads them.
    auto* files = &out.files;
    const auto* sources = &out.tree.files;
    auto* cache = options.cache.get();
    const auto* agents = &options.file_agents;
    graph.add({std::move(name), "group1", bytes / assumed_bytes_per_second, {},
               [files, sources, shard, root, max_bytes, cache, agents](const task_context& ctx) {
                 for (auto i : shard) {
                   if (ctx.cancelled->load(std::memory_order_relaxed))
                     return make_error(errc::cancelled, "analysis cancelled");
                   (*files)[i] = detail::analyse_file(root, (*sources)[i], max_bytes, cache, *agents);
                 }
                 return caf::error{};
               },
               static_cast<std::uint32_t>(shard.size()), bytes});
  }
  graph_run_options ro;
  ro.max_retries = options.settings.agents.max_retries;
  ro.task_timeout = options.settings.agents.task_timeout;
  if (options.before_run)
    options.before_run(graph, ro);
  out.graph = rt.run(graph, ro);
  if (options.cache && options.cache->l2()) {
    if (auto err = options.cache->l2()->commit())
      rt.logger("troupe.cache")->warn("disk cache write failed: {}", err.message());
  }
  out.phases.emplace_back("analyse", seconds_since(analyse_started));
  out.workers = rt.workers();
  for (std::size_t i = 0; i < out.files.size(); ++i) {
    auto& f = out.files[i];
    if (f.path.empty()) { // never reached: the run was cancelled first
      f.path = out.tree.files[i].path;
      f.bytes = out.tree.files[i].bytes;
      f.state = file_state::pending;
    }
    out.bytes += f.bytes;
  }
  out.wall_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (options.cache) {
    out.cached = true;
    out.cache_stats = options.cache->stats();
    if (options.cache->l2())
      out.corrupt_records = options.cache->l2()->stats().corrupt;
    for (const auto& f : out.files)
      out.corrupt_records += f.corrupt_record;
  }
  out.peak_rss_bytes = peak_rss_bytes();
  return true;
}

} // namespace troupe
