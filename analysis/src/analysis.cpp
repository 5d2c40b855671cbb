#include "troupe/analysis/analysis.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>
#include <vector>

#include <sys/resource.h>

#include <spdlog/spdlog.h>

#include "internal/analysis_locals.hpp"
#include "internal/file_stage.hpp"
#include "internal/run_history.hpp"
#include "troupe/actors/file/record_codecs.hpp"
#include "troupe/actors/file/symbols_agent.hpp"
#include "troupe/actors/file/symbols_codec.hpp"
#include "troupe/analysis/internal/read_buffer.hpp"
#include "troupe/analysis/internal/report_entry.hpp"
#include "troupe/base/internal/caf_error.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/runtime/graph_plan.hpp"
#include "troupe/runtime/internal/remote_node.hpp"

namespace troupe {

namespace {

/// Source bytes per second one worker parses and extracts, to estimate task
/// costs for ranking before any duration was measured.
constexpr double assumed_bytes_per_second = 8e6;
/// Fewest parsed bytes a run must have to update the measured rate.
constexpr std::uint64_t min_rate_sample_bytes = 1u << 20;
/// Estimated cost of one corpus agent before any was measured.
constexpr double assumed_corpus_agent_seconds = 0.01;

/// Shards are sized so that one group-1 task takes about this long at the
/// rate the last run measured (5-50 ms is the aim), within these bounds.
constexpr double target_task_seconds = 0.02;
constexpr std::uint64_t min_shard_bytes = 16ull << 10;
constexpr std::uint64_t max_shard_bytes = 1ull << 20;

constexpr auto npos = static_cast<std::size_t>(-1);

/// Groups file indexes into shards of about `target` bytes, largest files
/// first, so the biggest tasks get the highest rank and start first.
std::vector<std::vector<std::uint32_t>> make_shards(const std::vector<source_file>& files,
                                                    std::uint64_t target) {
  std::vector<std::uint32_t> order(files.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return files[a].bytes > files[b].bytes;
  });
  std::vector<std::vector<std::uint32_t>> shards;
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

/// Without a report writer, a run has no report task: the registry less
/// `report` (and anything registered after it that depends on it).
agent_registry runnable_agents(const analysis_options& options) {
  if (options.report || !options.agents.find("report"))
    return options.agents;
  agent_registry out;
  for (const auto& a : options.agents.agents()) {
    if (a.descriptor.id == "report")
      continue;
    if (auto err = out.add(a); err)
      continue; // depends on `report`
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// Per file, where its records are cached (graph_run_options::item_home):
/// this process's L2 when it lists the file's bundle and this process takes
/// per-file work, else a node whose cache does (one query per node; several
/// holders are told apart by the key, so their files spread over them).
/// Empty without nodes or without the files' digests.
std::vector<std::uint32_t> item_homes(const analysis_options& options,
                                      const std::vector<cache::digest>* digests) {
  if (options.nodes.empty() || !digests)
    return {};
  std::vector<cache::cache_key> bundles;
  bundles.reserve(digests->size());
  for (const auto& d : *digests)
    bundles.push_back(detail::file_bundle_key(d));
  std::vector<std::uint32_t> home(bundles.size(), 0);
  std::vector<std::uint64_t> score(bundles.size(), 0);
  for (std::size_t r = 0; r < options.nodes.size(); ++r) {
    auto held = options.nodes[r]->cached(bundles);
    if (held.size() != bundles.size())
      continue; // the node could not tell: no preference for it
    for (std::size_t i = 0; i < bundles.size(); ++i) {
      if (!held[i])
        continue;
      auto s = (bundles[i].value().low ^ (0x9E3779B97F4A7C15ull * (r + 1))) * 0xBF58476D1CE4E5B9ull;
      if (home[i] == 0 || s > score[i]) {
        home[i] = static_cast<std::uint32_t>(r + 1);
        score[i] = s;
      }
    }
  }
  if (options.local_item_work && options.cache && options.cache->l2())
    for (std::size_t i = 0; i < bundles.size(); ++i)
      if (options.cache->l2()->holds(bundles[i]))
        home[i] = graph_run_options::home_here;
  return home;
}

} // namespace

namespace detail {

record_slots::record_slots(const file_agent_list& agents) {
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
    else if (id == "todos")
      todos = i;
    else if (id == "security")
      security = i;
    else if (id == "naming")
      naming = i;
  }
}

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
  if (auto r = record(slots.todos); !r.empty() && !actors::decode_todos(r, c.todos))
    c.todos = {};
  if (auto r = record(slots.security); !r.empty() && !actors::decode_security(r, c.security))
    c.security = {};
  if (auto r = record(slots.naming); !r.empty() && !actors::decode_naming(r, c.naming))
    c.naming = {};
}

file_stage_locals::file_stage_locals(const agent_registry& agents, std::uint64_t max_bytes)
  : file_agents(file_agents_of(agents)),
    stage(file_agents),
    slots(file_agents),
    max_file_bytes(max_bytes) {
  stage_index[actors::symbols_agent::id] = 0;
  for (std::size_t i = 0; i < file_agents.size(); ++i)
    stage_index[file_agents[i]->descriptor().id] = i + 1;
}

std::shared_ptr<run_locals> make_serving_locals(const agent_registry& agents,
                                                std::uint64_t max_file_bytes) {
  auto locals = std::make_shared<file_stage_locals>(agents, max_file_bytes);
  // A served file's parse has the default budget per file.
  const config::agents_settings defaults;
  locals->stage.budget.time = defaults.file_timeout;
  locals->stage.budget.memory = defaults.file_memory;
  return locals;
}

analysis_locals::analysis_locals(const analysis_options& opts, analysis_result& result)
  : file_stage_locals(opts.agents, opts.max_file_bytes), options(opts), out(result) {
  stage.budget = file_budget_of(opts);
}

void analysis_locals::fill_content(task_item& item) {
  if (item.content.data || item.index >= sources->size())
    return;
  // Read on the supervisor's thread: a shard's files, some milliseconds, for
  // a task another node runs.
  read_buffer buffer;
  if (!buffer.read(root + "/" + (*sources)[item.index].path, (*sources)[item.index].bytes)) {
    item.content.data = std::make_shared<const std::string>(buffer.view());
    item.bytes = buffer.view().size();
    item.digest = cache::content_digest(buffer.view()).hex();
  }
}

void analysis_locals::take_remote(const task_reply& reply, file_report& report) {
  auto i = report.item;
  file_analysis a;
  a.path = (*sources)[i].path;
  a.bytes = report.bytes;
  a.digest = report.digest;
  a.state = static_cast<file_state>(report.state);
  a.encoding = report.encoding;
  a.detail = report.detail;
  a.why_missed = report.why_missed;
  a.corrupt_record = report.corrupt_record;
  if (report.cache_error)
    a.cache_error = from_caf(report.cache_error).message();
  a.stage_seconds = report.stage_seconds;
  a.parse_seconds = report.parse_seconds;
  if (a.state == file_state::parsed) {
    a.records.assign(file_agents.size(), nullptr);
    a.record_hits.assign(file_agents.size(), 0);
    a.agent_seconds.assign(file_agents.size() + 1, 0.0);
    a.agent_failures.assign(file_agents.size() + 1, std::string{});
    for (const auto& o : reply.outputs) {
      if (o.item != i)
        continue;
      if (o.agent == report_entry_id) {
        a.report_entry = o.bytes.data;
        continue;
      }
      auto slot = stage_index.find(o.agent);
      if (slot == stage_index.end())
        continue;
      if (slot->second == 0) {
        auto view = std::make_shared<actors::symbols_view>();
        if (o.bytes.data && actors::decode_symbols(*o.bytes.data, *view)) {
          a.symbols = view;
          a.cache_hit = o.from_cache;
        }
      } else {
        a.records[slot->second - 1] = o.bytes.data;
        a.record_hits[slot->second - 1] = o.from_cache;
      }
    }
    for (const auto& r : reply.agents) {
      auto slot = stage_index.find(r.agent);
      if (slot == stage_index.end())
        continue;
      for (const auto& f : r.failures)
        if (f.item == i)
          a.agent_failures[slot->second] = from_caf(f.error).message();
    }
  }
  collect_records(a, slots, out.corpus.files[i]);
  if (!options.keep_records)
    a.records.clear();
  out.files[i] = std::move(a);
}

void analysis_locals::before_dispatch(std::size_t task, const graph_result& so_far) {
  if (report_task && *report_task == task)
    report_view = so_far;
}

void analysis_locals::on_reply(task_reply& reply) {
  for (auto& f : reply.files) {
    if (f.item >= out.files.size())
      continue;
    if (!f.decoded) { // from another node: records as bytes
      take_remote(reply, f);
      continue;
    }
    out.files[f.item] = std::move(f.decoded->analysis);
    auto& into = out.corpus.files[f.item];
    auto& from = f.decoded->corpus;
    // Path, module and package flag come from the tree (index_modules).
    into.parsed = from.parsed;
    into.symbols = std::move(from.symbols);
    into.imports = std::move(from.imports);
    into.size = from.size;
    into.function_complexity = std::move(from.function_complexity);
    into.complexity_figures = std::move(from.complexity_figures);
    into.docstrings = std::move(from.docstrings);
    into.todos = std::move(from.todos);
    into.security = std::move(from.security);
    into.naming = std::move(from.naming);
    f.decoded.reset();
  }
  // The records now live in the files (or were released): the run's
  // outcomes do not keep them.
  if (!reply.files.empty())
    reply.outputs.clear();
}

void complete_result(analysis_result& out, const analysis_options& options,
                     std::chrono::steady_clock::time_point started,
                     std::chrono::steady_clock::time_point analyse_started) {
  out.bytes = 0;
  for (std::size_t i = 0; i < out.files.size(); ++i) {
    auto& f = out.files[i];
    if (f.path.empty()) { // never reached: the run was cancelled first
      f.path = out.tree.files[i].path;
      f.bytes = out.tree.files[i].bytes;
      f.state = file_state::pending;
    }
    out.bytes += f.bytes;
  }
  auto analyse = seconds_since(analyse_started);
  auto phase = std::find_if(out.phases.begin(), out.phases.end(),
                            [](const auto& p) { return p.first == "analyse"; });
  if (phase == out.phases.end())
    out.phases.emplace_back("analyse", analyse);
  else
    phase->second = analyse;
  out.schedule.measure(out.plan, out.graph, out.workers);
  out.wall_seconds = seconds_since(started);
  out.corrupt_records = 0;
  if (options.cache) {
    out.cached = true;
    out.cache_stats = options.cache->stats();
    if (options.cache->l2())
      out.corrupt_records = options.cache->l2()->stats().corrupt;
    for (const auto& f : out.files)
      out.corrupt_records += f.corrupt_record;
  }
  out.peak_rss_bytes = peak_rss_bytes();
}

} // namespace detail

file_agent_list file_agents_of(const agent_registry& agents) {
  file_agent_list out;
  for (const auto& a : agents.agents())
    if (a.file_agent)
      out.push_back(a.file_agent);
  return out;
}

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

std::vector<agent_summary> summarise_agents(const analysis_result& r,
                                            const analysis_options& options) {
  return summarise_agents(options.agents, r.plan, r.graph);
}

troupe::error run_analysis(runtime& rt, const analysis_options& options, analysis_result& out) {
  auto started = std::chrono::steady_clock::now();
  out = analysis_result{};
  if (options.walked_tree) {
    out.tree = *options.walked_tree;
  } else {
    if (auto err = walk_source_tree(options.root, options.walk, out.tree))
      return err;
    out.phases.emplace_back("walk", seconds_since(started));
  }
  auto analyse_started = std::chrono::steady_clock::now();
  const auto& files = out.tree.files;
  out.files.resize(files.size());
  out.corpus.files.resize(files.size());
  for (std::size_t i = 0; i < files.size(); ++i)
    out.corpus.files[i].path = files[i].path;
  out.corpus.index_modules(out.tree.package);
  // Past durations: task costs for ranking, and shard sizes that give
  // tasks of about target_task_seconds at the measured rate.
  detail::run_history history;
  if (!options.history_file.empty()) {
    troupe::error warning;
    history = detail::run_history::load(options.history_file, warning);
    if (warning)
      rt.logger("troupe.run")->warn("{}", warning.message());
  }
  double rate = history.group1_bytes_per_second > 0 ? history.group1_bytes_per_second
                                                    : assumed_bytes_per_second;
  out.schedule.shard_bytes = options.shard_bytes;
  if (options.shard_bytes == 0)
    out.schedule.shard_bytes = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(rate * target_task_seconds), min_shard_bytes, max_shard_bytes);
  out.schedule.from_history = history.group1_bytes_per_second > 0;

  // The run's DAG, from the registry: group-1 agents per shard of files,
  // every other agent as one task.
  auto agents = runnable_agents(options);
  plan_options plan;
  plan.shards = make_shards(files, out.schedule.shard_bytes);
  plan.describe = [&](task_spec& t, std::size_t shard) {
    if (shard != npos) {
      std::uint64_t bytes = 0;
      for (auto i : t.items)
        bytes += files[i].bytes;
      t.name = "group1[" + files[t.items.front()].path + " +"
               + std::to_string(t.items.size() - 1) + "]";
      t.cost = static_cast<double>(bytes) / rate;
      t.files = static_cast<std::uint32_t>(t.items.size());
      t.bytes = bytes;
      return;
    }
    t.name = t.agent();
    auto known = history.agent_seconds.find(t.agent());
    t.cost = known != history.agent_seconds.end() ? known->second : assumed_corpus_agent_seconds;
  };
  out.plan = plan_graph(agents, files.size(), plan);
  out.agent_tasks = tasks_by_agent(options.agents, out.plan);
  const auto& graph = out.plan;

  out.workers = rt.workers();
  auto locals = std::make_shared<detail::analysis_locals>(options, out);
  locals->started = started;
  locals->analyse_started = analyse_started;
  locals->root = out.tree.root;
  locals->sources = &out.tree.files;
  bool digested = options.walked_tree && options.content_digests.size() == files.size();
  locals->digests = digested && options.cache ? &options.content_digests : nullptr;
  locals->cache = options.cache.get();
  if (auto* report = options.agents.find("report"); report && options.report)
    for (std::size_t t = 0; t < graph.size(); ++t)
      if (graph.tasks()[t].agent() == "report")
        locals->report_task = t;

  std::vector<detail::task_item> items(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    items[i].index = static_cast<std::uint32_t>(i);
    items[i].name = files[i].path;
    items[i].bytes = files[i].bytes;
    if (locals->digests)
      items[i].digest = (*locals->digests)[i].hex();
  }

  graph_run_options ro;
  ro.max_retries = options.settings.agents.max_retries;
  ro.task_timeout = options.settings.agents.task_timeout;
  ro.max_concurrent = options.settings.agents.parallel_execution
                        ? options.settings.agents.max_concurrent
                        : 1;
  ro.locals = locals;
  ro.nodes = options.nodes;
  ro.local_item_work = options.local_item_work;
  ro.item_home = item_homes(options, locals->digests);
  if (options.before_run)
    options.before_run(graph, ro);
  // Only group-1 tasks use the cache: once the last of them is final, the
  // runtime commits the disk tier's records (a file system sync, 20-200 ms
  // depending on what else is dirty) and saves the key history in the
  // background, next to the corpus agents and the reports. A cache of the
  // caller's own is committed here, after the run.
  std::vector<char> is_group1(graph.size(), 0);
  std::size_t group1_count = 0;
  for (std::size_t t = 0; t < graph.size(); ++t)
    if (!graph.tasks()[t].items.empty()) {
      is_group1[t] = 1;
      ++group1_count;
    }
  auto* l2 = options.cache ? options.cache->l2().get() : nullptr;
  bool own_cache = options.cache && options.cache == rt.cache();
  if (l2 && own_cache && group1_count > 0) {
    ro.on_task_finished = [&rt, is_group1, pending = group1_count,
                           next = std::move(ro.on_task_finished)](
                            std::size_t task, const task_outcome& outcome) mutable {
      if (is_group1[task] && --pending == 0)
        rt.persist_in_background();
      if (next)
        next(task, outcome);
    };
  }
  out.graph = detail::run_graph(rt, agents, graph, std::move(items), ro);
  if (l2 && !own_cache) {
    if (auto err = l2->commit())
      rt.logger("troupe.cache")->warn("disk cache write failed: {}", err.message());
  }
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
    for (std::size_t t = 0; t < graph.size(); ++t) {
      const auto& o = out.graph.tasks[t];
      if (!is_group1[t] && o.status == task_status::done)
        history.record_agent(graph.tasks()[t].agent(), o.finished_s - o.started_s);
    }
    if (auto err = history.save(options.history_file))
      rt.logger("troupe.run")->debug("run history not saved: {}", err.message());
  }
  detail::complete_result(out, options, started, analyse_started);
  return {};
}

} // namespace troupe
