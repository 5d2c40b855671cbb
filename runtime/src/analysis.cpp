#include "troupe/runtime/analysis.hpp"

#include <algorithm>
#include <chrono>
#include <vector>
#include <map>
#include <numeric>

#include <sys/resource.h>

#include <spdlog/spdlog.h>

#include "internal/file_stage.hpp"
#include "internal/run_history.hpp"
#include "troupe/actors/record_codecs.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/runtime/error.hpp"

namespace troupe {

namespace {

/// Source bytes per second one worker parses and extracts, to estimate task
/// costs for ranking before any duration was measured.
constexpr double assumed_bytes_per_second = 8e6;
/// Fewest parsed bytes a run must have to update the measured rate.
constexpr std::uint64_t min_rate_sample_bytes = 1u << 20;

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

/// Indexes of the records later groups read, in analysis_options::file_agents.
struct record_slots {
  static constexpr auto none = static_cast<std::size_t>(-1);
  std::size_t size = none, complexity = none, imports = none, docstrings = none;

  explicit record_slots(const file_agent_list& agents) {
    for (std::size_t i = 0; i < agents.size(); ++i) {
      const auto& id = agents[i]->descriptor().id;
      if (id == "size")
        size = i;
      else if (id == "complexity")
        complexity = i;
      else if (id == "imports")
        imports = i;
      else if (id == "docstrings")
        docstrings = i;
    }
  }
};

/// Shares the symbols record of `f` with `c` and decodes the records the
/// corpus agents read; a record that does not decode leaves its part empty.
void collect_records(file_analysis& f, const record_slots& slots, corpus::corpus_file& c) {
  c.parsed = f.state == file_state::parsed;
  c.symbols = f.symbols;
  if (!c.parsed)
    return;
  auto record = [&](std::size_t slot) -> std::string_view {
    if (slot == record_slots::none || slot >= f.records.size() || !f.records[slot])
      return {};
    return *f.records[slot];
  };
  if (auto r = record(slots.size); !r.empty() && !actors::decode_size(r, c.size))
    c.size = {};
  actors::file_complexity complexity;
  if (auto r = record(slots.complexity); !r.empty() && !actors::decode_complexity(r, complexity))
    complexity = {};
  c.set_complexity(complexity);
  if (auto r = record(slots.imports); !r.empty() && !actors::decode_imports(r, c.imports))
    c.imports = {};
  actors::file_docstrings docstrings;
  if (auto r = record(slots.docstrings); !r.empty() && !actors::decode_docstrings(r, docstrings))
    docstrings = {};
  c.set_docstrings(docstrings);
}

/// Estimated cost of one corpus agent before any was measured.
constexpr double assumed_corpus_agent_seconds = 0.01;

/// Shards are sized so that one group-1 task takes about this long at the
/// rate the last run measured (5-50 ms is the aim), within these bounds.
constexpr double target_task_seconds = 0.02;
constexpr std::uint64_t min_shard_bytes = 16ull << 10;
constexpr std::uint64_t max_shard_bytes = 1ull << 20;

/// One task per corpus agent, after every group-1 task and the corpus agents
/// it depends on; each writes its own member of out.corpus_results.
void add_corpus_tasks(const analysis_options& options, const std::vector<std::size_t>& group1,
                      const detail::run_history& history, analysis_result& out,
                      task_graph& graph) {
  std::map<std::string, std::size_t> task_of;
  for (const auto& agent : options.corpus_agents) {
    const auto& d = agent->descriptor();
    std::vector<std::size_t> deps = group1;
    for (const auto& dep : d.depends_on)
      if (auto it = task_of.find(dep); it != task_of.end())
        deps.push_back(it->second);
    const auto* input = &out.corpus;
    auto* results = &out.corpus_results;
    const auto* context = &options.corpus_context;
    auto id = d.id;
    auto known = history.agent_seconds.find(id);
    double cost =
      known != history.agent_seconds.end() ? known->second : assumed_corpus_agent_seconds;
    auto index = graph.add({id, id, cost, std::move(deps),
                            [agent, input, results, context, id](const task_context&) {
                              auto err = agent->run(*input, *results, *context);
                              if (!err.empty())
                                return make_error(errc::agent_failed, id + ": " + err);
                              return caf::error{};
                            }});
    task_of[d.id] = index;
    out.corpus_tasks.push_back(index);
  }
}

} // namespace

void schedule_stats::measure(const task_graph& graph, const graph_result& result,
                             std::uint32_t workers) {
  const auto& tasks = graph.tasks();
  if (tasks.empty() || result.tasks.size() != tasks.size())
    return;
  double first = result.tasks[0].started_s, last = 0;
  busy_seconds = 0;
  // Longest path by measured durations; tasks are in topological order.
  std::vector<double> finish(tasks.size(), 0);
  critical_path = 0;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const auto& o = result.tasks[i];
    if (o.status != task_status::done && o.status != task_status::failed)
      continue;
    double d = o.finished_s - o.started_s;
    busy_seconds += d;
    first = std::min(first, o.started_s);
    last = std::max(last, o.finished_s);
    double ready = 0;
    for (auto dep : tasks[i].depends_on)
      ready = std::max(ready, finish[dep]);
    finish[i] = ready + d;
    critical_path = std::max(critical_path, finish[i]);
  }
  makespan = last - first;
  lower_bound = std::max(critical_path, workers ? busy_seconds / workers : busy_seconds);
  ratio = lower_bound > 0 ? makespan / lower_bound : 0;
}

const char* to_string(file_state state) noexcept {
  switch (state) {
    case file_state::parsed: return "parsed";
    case file_state::unreadable: return "unreadable";
    case file_state::binary: return "binary";
    case file_state::not_utf8: return "not_utf8";
    case file_state::too_large: return "too_large";
    case file_state::bad_name: return "bad_name";
    case file_state::over_budget: return "over_budget";
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

std::uint64_t peak_rss_bytes() noexcept {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

std::size_t analysis_result::files_with_syntax_errors() const noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < files.size() && i < corpus.files.size(); ++i)
    n += files[i].state == file_state::parsed && corpus.files[i].symbols->parse_errors > 0;
  return n;
}

bool run_analysis(runtime& rt, const analysis_options& options, analysis_result& out,
                  std::string& error) {
  auto started = std::chrono::steady_clock::now();
  out = analysis_result{};
  if (options.walked_tree)
    out.tree = *options.walked_tree;
  else if (!walk_source_tree(options.root, out.tree, error))
    return false;
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  if (!options.walked_tree)
    out.phases.emplace_back("walk", seconds_since(started));
  auto analyse_started = std::chrono::steady_clock::now();
  const auto& root = out.tree.root;
  out.files.resize(out.tree.files.size());
  out.corpus.files.resize(out.tree.files.size());
  for (std::size_t i = 0; i < out.tree.files.size(); ++i)
    out.corpus.files[i].path = out.tree.files[i].path;
  out.corpus.index_modules();
  record_slots slots{options.file_agents};
  // Past durations: task costs for ranking, and shard sizes that give
  // tasks of about target_task_seconds at the measured rate.
  detail::run_history history;
  if (!options.history_file.empty()) {
    std::string warning;
    history = detail::run_history::load(options.history_file, warning);
    if (!warning.empty())
      rt.logger("troupe.run")->warn("{}", warning);
  }
  double rate = history.group1_bytes_per_second > 0 ? history.group1_bytes_per_second
                                                    : assumed_bytes_per_second;
  out.schedule.shard_bytes = options.shard_bytes;
  if (options.shard_bytes == 0)
    out.schedule.shard_bytes = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(rate * target_task_seconds), min_shard_bytes, max_shard_bytes);
  out.schedule.from_history = history.group1_bytes_per_second > 0;
  task_graph graph;
  std::vector<std::size_t> group1;
  auto max_bytes = options.max_file_bytes;
  const detail::stage_agents stage{options.file_agents, detail::file_budget_of(options)};
  for (auto& shard : make_shards(out.tree.files, out.schedule.shard_bytes)) {
    std::uint64_t bytes = 0;
    for (auto i : shard)
      bytes += out.tree.files[i].bytes;
    auto name = "group1[" + out.tree.files[shard.front()].path + " +"
                + std::to_string(shard.size() - 1) + "]";
    // Each task writes only the slots of its own shard; the run's completion
    // message orders those writes before the host reads them.
    auto* files = &out.files;
    auto* corpus_files = &out.corpus.files;
    const auto* sources = &out.tree.files;
    auto* cache = options.cache.get();
    const auto* agents = &stage;
    bool digested = options.walked_tree
                    && options.content_digests.size() == out.tree.files.size();
    const auto* digests = digested ? &options.content_digests : nullptr;
    bool keep_records = options.keep_records;
    group1.push_back(graph.add(
      {std::move(name), "group1", static_cast<double>(bytes) / rate, {},
       [files, corpus_files, sources, shard, root, max_bytes, cache, agents, digests,
        keep_records, slots](const task_context& ctx) {
         detail::file_task task{std::chrono::steady_clock::now(), ctx.cancelled};
         for (auto i : shard) {
           if (ctx.cancelled->load(std::memory_order_relaxed))
             return make_error(errc::cancelled, "analysis cancelled");
           auto& f = (*files)[i];
           try {
             f = detail::analyse_file(root, (*sources)[i], max_bytes, cache, *agents,
                                      digests ? &(*digests)[i] : nullptr, task);
           } catch (const detail::agent_error& e) {
             // The task fails (and is retried) naming agent and file.
             return make_error(errc::agent_failed,
                               e.agent() + " on " + (*sources)[i].path + ": " + e.what());
           } catch (const std::exception& e) {
             return make_error(errc::agent_failed, (*sources)[i].path + ": " + e.what());
           }
           collect_records(f, slots, (*corpus_files)[i]);
           if (!keep_records)
             f.records.clear();
         }
         return caf::error{};
       },
       static_cast<std::uint32_t>(shard.size()), bytes}));
  }
  add_corpus_tasks(options, group1, history, out, graph);
  graph_run_options ro;
  ro.max_retries = options.settings.agents.max_retries;
  ro.task_timeout = options.settings.agents.task_timeout;
  if (options.before_run)
    options.before_run(graph, ro);
  // Only group-1 tasks use the cache: once the last of them is final, the
  // runtime commits the disk tier's records (a file system sync, 20-200 ms
  // depending on what else is dirty) and saves the key history in the
  // background, next to the corpus agents and the reports. A cache of the
  // caller's own is committed here, after the run.
  auto* l2 = options.cache ? options.cache->l2().get() : nullptr;
  bool own_cache = options.cache && options.cache == rt.cache();
  if (l2 && own_cache) {
    ro.on_task_finished = [&rt, pending = group1.size(), group1_count = group1.size(),
                           next = std::move(ro.on_task_finished)](
                            std::size_t task, const task_outcome& outcome) mutable {
      if (task < group1_count && --pending == 0)
        rt.persist_in_background();
      if (next)
        next(task, outcome);
    };
  }
  out.graph = rt.run(graph, ro);
  if (l2 && !own_cache) {
    if (auto err = l2->commit())
      rt.logger("troupe.cache")->warn("disk cache write failed: {}", err.message());
  }
  out.phases.emplace_back("analyse", seconds_since(analyse_started));
  out.workers = rt.workers();
  out.schedule.measure(graph, out.graph, out.workers);
  if (!options.history_file.empty() && !out.graph.cancelled) {
    // The rate of files that were parsed (some record missed): shards are
    // sized for it, so a run after a warm one (all hits, ten times faster)
    // still gets tasks of the target length when files changed. Too few
    // parsed bytes to measure: the last rate stays.
    double seconds = 0;
    std::uint64_t bytes = 0;
    for (const auto& f : out.files) {
      if (f.state == file_state::parsed && !f.path.empty() && !f.from_cache()) {
        seconds += f.stage_seconds;
        bytes += f.bytes;
      }
    }
    if (bytes >= min_rate_sample_bytes && seconds > 0)
      history.group1_bytes_per_second = static_cast<double>(bytes) / seconds;
    for (std::size_t i = 0; i < out.corpus_tasks.size(); ++i) {
      const auto& o = out.graph.tasks[out.corpus_tasks[i]];
      if (o.status == task_status::done)
        history.record_agent(options.corpus_agents[i]->descriptor().id,
                             o.finished_s - o.started_s);
    }
    std::string error;
    if (!history.save(options.history_file, error))
      rt.logger("troupe.run")->debug("run history not saved: {}", error);
  }
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
