#include "troupe/runtime/analysis.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <numeric>

#include <sys/resource.h>

#include "troupe/actors/extract_symbols.hpp"
#include "troupe/actors/python_parser.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/runtime/error.hpp"

namespace troupe {

namespace {

/// Source bytes per second one worker parses and extracts, to estimate task
/// costs for ranking before any duration was measured.
constexpr double assumed_bytes_per_second = 8e6;

bool read_file(const std::string& path, std::string& bytes, std::string& error) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    error = std::strerror(errno);
    return false;
  }
  bytes.assign(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
  if (in.bad()) {
    error = "read error";
    return false;
  }
  return true;
}

file_state state_of(actors::source_status status) {
  switch (status) {
    case actors::source_status::ok: return file_state::parsed;
    case actors::source_status::binary: return file_state::binary;
    case actors::source_status::not_utf8: return file_state::not_utf8;
    case actors::source_status::too_large: return file_state::too_large;
  }
  return file_state::unreadable;
}

/// Reads, digests, decodes, parses and extracts one file; runs on a worker.
file_analysis analyse_file(const std::string& root, const source_file& file,
                           std::uint64_t max_bytes) {
  thread_local actors::python_parser parser;
  file_analysis out;
  out.path = file.path;
  out.bytes = file.bytes;
  if (out.bytes > max_bytes) {
    out.state = file_state::too_large;
    out.detail = std::to_string(out.bytes) + " bytes, limit " + std::to_string(max_bytes);
    return out;
  }
  std::string bytes;
  std::string err;
  if (!read_file(root + "/" + out.path, bytes, err)) {
    out.state = file_state::unreadable;
    out.detail = err;
    return out;
  }
  out.bytes = bytes.size();
  out.digest = cache::content_digest(bytes).hex();
  auto source = actors::decode_python_source(bytes, max_bytes);
  out.state = state_of(source.status);
  out.encoding = source.encoding;
  out.detail = source.detail;
  if (out.state != file_state::parsed)
    return out;
  auto tree = parser.parse(source.text);
  out.symbols = actors::extract_symbols(tree, source.text);
  return out;
}

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
  const auto& root = out.tree.root;
  out.files.resize(out.tree.files.size());
  task_graph graph;
  auto max_bytes = options.max_file_bytes;
  for (auto& shard : make_shards(out.tree.files, options.shard_bytes)) {
    std::uint64_t bytes = 0;
    for (auto i : shard)
      bytes += out.tree.files[i].bytes;
    auto name = "symbols[" + out.tree.files[shard.front()].path + " +"
                + std::to_string(shard.size() - 1) + "]";
    // Each task writes only the slots of its own shard; the run's completion
    // message orders those writes before the host reads them.
    auto* files = &out.files;
    const auto* sources = &out.tree.files;
    graph.add({std::move(name), "symbols", bytes / assumed_bytes_per_second, {},
               [files, sources, shard, root, max_bytes](const task_context& ctx) {
                 for (auto i : shard) {
                   if (ctx.cancelled->load(std::memory_order_relaxed))
                     return make_error(errc::cancelled, "analysis cancelled");
                   (*files)[i] = analyse_file(root, (*sources)[i], max_bytes);
                 }
                 return caf::error{};
               }});
  }
  graph_run_options ro;
  ro.max_retries = options.settings.agents.max_retries;
  ro.task_timeout = options.settings.agents.task_timeout;
  out.graph = rt.run(graph, ro);
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
  out.peak_rss_bytes = peak_rss_bytes();
  return true;
}

} // namespace troupe
