#include "troupe/runtime/commands.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <optional>
#include <iostream>

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "troupe/actors/agent_registry.hpp"
#include "troupe/actors/file_agent.hpp"
#include "troupe/config/settings_diff.hpp"
#include "troupe/config/settings_yaml.hpp"
#include "troupe/corpus/corpus.hpp"
#include "internal/report_set.hpp"
#include "internal/report_sections.hpp"
#include "internal/run_memo.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/runtime/analysis.hpp"
#include "troupe/runtime/exit_code.hpp"
#include "troupe/runtime/progress_reporter.hpp"
#include "troupe/runtime/runtime.hpp"
#include "troupe/runtime/signal_watch.hpp"
#include "troupe/runtime/trace_writer.hpp"

namespace troupe {

namespace {

namespace fs = std::filesystem;

std::string human_bytes(std::uint64_t n) {
  char buf[32];
  if (n >= (1ull << 30))
    std::snprintf(buf, sizeof buf, "%.2f GiB", n / double(1ull << 30));
  else if (n >= (1ull << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", n / double(1ull << 20));
  else
    std::snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
  return buf;
}

/// The command's exit: with run_command_options::end_process, the runtime
/// persists the cache state, logs and standard streams are flushed and the
/// process ends here without tearing down the run's memory and the actor
/// system (freeing ~10^6 objects and joining the threads took ~55 ms of a
/// 0.6 s warm run); otherwise `code` is returned.
int finish_command(runtime& rt, const run_command_options& options, int code) {
  if (!options.end_process)
    return code;
  rt.persist();
  rt.logger("troupe.run")->flush();
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// The summary lines that depend on the inputs only (stored in the run memo).
std::string content_summary(const analysis_result& r) {
  std::size_t functions = 0;
  std::size_t classes = 0;
  for (const auto& f : r.corpus.files) {
    functions += f.symbols->functions.size();
    classes += f.symbols->classes.size();
  }
  std::string out;
  char line[512];
  auto add = [&](int n) {
    if (n > 0)
      out.append(line, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof line - 1));
  };
  add(std::snprintf(line, sizeof line, "  files     %zu found, %zu parsed (%zu with syntax errors), %s\n",
                    r.files.size(), r.count(file_state::parsed), r.files_with_syntax_errors(),
                    human_bytes(r.bytes).c_str()));
  add(std::snprintf(line, sizeof line,
                    "  skipped   %zu unreadable, %zu binary, %zu not UTF-8, %zu too large, "
                    "%zu with a name not UTF-8, %zu over the parse budget\n",
                    r.count(file_state::unreadable), r.count(file_state::binary),
                    r.count(file_state::not_utf8), r.count(file_state::too_large),
                    r.count(file_state::bad_name), r.count(file_state::over_budget)));
  add(std::snprintf(line, sizeof line, "  symbols   %zu functions, %zu classes\n", functions,
                    classes));
  if (!r.corpus_tasks.empty()) {
    const auto& c = r.corpus_results;
    add(std::snprintf(line, sizeof line,
                      "  corpus    %zu import edges, %zu cycles, %zu unused imports, %zu dead, "
                      "%zu duplicate groups, %zu suggestions, score %.1f\n",
                      c.import_graph.edges.size(), c.import_cycles.cycles.size(),
                      c.unused_imports.items.size(), c.dead_code.items.size(),
                      c.duplicates.groups.size(), c.suggestions.items.size(), c.scores.overall));
    out += "  deps      " + c.deps.status + (c.deps.reason.empty() ? "" : ": ") + c.deps.reason
           + "\n";
  }
  return out;
}

void print_summary(std::FILE* to, const analysis_result& r, const std::string& report_path,
                   double report_write_s) {
  std::fprintf(to, "troupe run: %s%s\n", r.tree.root.c_str(),
              r.graph.cancelled ? "  (INCOMPLETE: interrupted)" : "");
  std::fputs(content_summary(r).c_str(), to);
  std::fprintf(to, "  tasks     %zu done, %zu failed, %zu skipped, %zu cancelled\n",
              r.graph.count(task_status::done), r.graph.count(task_status::failed),
              r.graph.count(task_status::skipped), r.graph.count(task_status::cancelled));
  std::fprintf(to, "  time      %.2f s wall with %u workers, %.1f MiB/s, peak RSS %s\n",
              r.wall_seconds, r.workers, r.bytes / double(1 << 20) / r.wall_seconds,
              human_bytes(r.peak_rss_bytes).c_str());
  if (r.cached)
    std::fprintf(to, "  cache     %zu of %zu records from the cache, %llu corrupt\n", r.cache_hits(),
                r.count(file_state::parsed), static_cast<unsigned long long>(r.corrupt_records));
  std::string phases;
  for (const auto& [name, seconds] : r.phases)
    phases += name + " " + std::to_string(seconds).substr(0, 5) + " s, ";
  std::fprintf(to, "  phases    %sreport %.3f s\n", phases.c_str(), report_write_s);
  std::fprintf(to, "  schedule  makespan %.3f s, lower bound %.3f s (critical path %.3f s, "
              "work %.3f s / %u workers): %.3fx; %zu tasks, shards of %llu KiB\n",
              r.schedule.makespan, r.schedule.lower_bound, r.schedule.critical_path,
              r.schedule.busy_seconds, r.workers, r.schedule.ratio, r.graph.tasks.size(),
              static_cast<unsigned long long>(r.schedule.shard_bytes >> 10));
  std::fprintf(to, "  report    %s\n", report_path.c_str());
}

/// The outputs of `troupe run`, resolved and checked before any work.
struct run_outputs {
  detail::output_target markdown, html, json, trace;
  bool with_trace = false;
  /// Where the summary goes: stderr when a report takes standard output.
  std::FILE* summary = stdout;
};

/// Checks that the output folder and every output can be written (creating
/// missing folders); "" or what cannot be written.
std::string check_outputs(const run_command_options& options, const std::string& report_path,
                          const std::string& trace_path, run_outputs& out) {
  if (options.out_dir.empty() || options.out_dir == "-")
    return "--out needs a folder";
  std::error_code ec;
  if (fs::exists(options.out_dir, ec) && !fs::is_directory(options.out_dir, ec))
    return "--out " + options.out_dir + ": exists and is not a folder";
  auto out_dir = fs::path{options.out_dir};
  auto check = [](const std::string& option, const std::string& path,
                  detail::output_target& target) -> std::string {
    auto err = detail::resolve_output(path, target);
    return err.empty() ? err : option + " " + path + ": " + err;
  };
  if (auto err = check("--out", (out_dir / "report.md").string(), out.markdown); !err.empty())
    return err;
  if (auto err = check("--out", (out_dir / "report.html").string(), out.html); !err.empty())
    return err;
  if (auto err = check("--json", report_path, out.json); !err.empty())
    return err;
  out.with_trace = !trace_path.empty();
  if (out.with_trace)
    if (auto err = check("--trace", trace_path, out.trace); !err.empty())
      return err;
  using kind = detail::output_target::kind;
  if (out.with_trace && out.json.type == kind::standard_output
      && out.trace.type == kind::standard_output)
    return "--json and --trace cannot both write to standard output";
  if (out.json.type == kind::standard_output
      || (out.with_trace && out.trace.type == kind::standard_output))
    out.summary = stderr;
  return {};
}

/// Writes the run's outputs as one set (see detail::write_output_set),
/// then lets the next run at the output folder in (the caller took the
/// lock); "" or why they were not written.
std::string write_outputs(detail::output_lock& lock, const run_outputs& outputs,
                          std::function<void(std::ostream&)> markdown,
                          std::function<void(std::ostream&)> html,
                          std::function<void(std::ostream&)> json,
                          std::function<void(std::ostream&)> trace = {}) {
  std::vector<detail::output_item> items;
  items.push_back({outputs.markdown, std::move(markdown)});
  items.push_back({outputs.html, std::move(html)});
  items.push_back({outputs.json, std::move(json)});
  if (outputs.with_trace && trace)
    items.push_back({outputs.trace, std::move(trace)});
  auto err = detail::write_output_set(std::move(items));
  lock.release();
  return err;
}

/// Writes report.md, report.html and report.json from a fresh head and
/// stored (or just rendered) input-derived parts.
std::string write_reports(detail::output_lock& lock, const run_outputs& outputs,
                          const detail::report_head& head, const detail::run_memo& parts,
                          std::function<void(std::ostream&)> trace = {}) {
  return write_outputs(
    lock, outputs,
    [&](std::ostream& out) {
      detail::write_markdown_head(out, head);
      out << parts.markdown_body;
    },
    [&](std::ostream& out) {
      detail::write_html_head(out, head);
      out << parts.html_body;
    },
    [&](std::ostream& out) { detail::write_report_json(out, head.run, head.agents, parts.content); },
    std::move(trace));
}

/// The message and exit code of a run whose outputs could not be written.
int output_failed(const std::string& error) {
  std::cerr << "troupe: error: " << error
            << "; the run completed but its reports were not written (none was replaced)\n";
  return exit_output_failed;
}

/// Answers a run from its memo: nothing is dispatched; the reports get a
/// fresh head (this run's timings and cache use) and the stored rest.
int serve_run_memo(runtime& rt, const analysis_options& ao, const run_command_options& options,
                   const detail::run_memo_lookup& lookup, detail::output_lock& lock,
                   const run_outputs& outputs, const std::string& report_path,
                   std::chrono::steady_clock::time_point starting, double start_s,
                   double lookup_s) {
  const auto& memo = *lookup.memo;
  auto log = rt.logger("troupe.run");
  auto facts = nlohmann::json::parse(memo.facts, nullptr, false);
  if (facts.is_discarded() || !facts.is_object()) {
    std::cerr << "troupe: error: the run memo's facts do not parse\n";
    return exit_usage;
  }
  const auto& inputs = lookup.inputs;
  for (const auto& w : inputs.tree.warnings)
    log->warn("{}", w);
  for (const auto& w : facts.value("warnings", nlohmann::json::array()))
    log->warn("{}", w.get<std::string>());
  analysis_result r;
  r.tree = inputs.tree;
  r.workers = rt.workers();
  r.bytes = inputs.bytes;
  r.cached = true;
  r.cache_stats = ao.cache->stats();
  r.phases = {{"start", start_s}, {"run_memo", lookup_s}};
  r.wall_seconds = seconds_since(starting);
  r.peak_rss_bytes = peak_rss_bytes();
  detail::report_head head;
  head.root = r.tree.root;
  head.run = detail::run_section(r, ao);
  head.run["files"] = r.tree.files.size();
  head.run["skipped_files"] = facts["skipped_files"];
  head.run["files_with_syntax_errors"] = facts["files_with_syntax_errors"];
  head.run["cache"]["run_memo"] = "hit";
  head.agents = nlohmann::json::parse(memo.agents, nullptr, false);
  if (head.agents.is_discarded())
    head.agents = nlohmann::json::array();
  head.parsed_files = facts.value("parsed_files", std::size_t{0});
  head.files_with_syntax_errors = facts.value("files_with_syntax_errors", std::size_t{0});
  head.cache = "every input unchanged since a stored run: reports from the run memo";
  auto writing = std::chrono::steady_clock::now();
  ao.corpus_context.before_writing(); // the output folder's lock
  if (auto err = write_reports(lock, outputs, head, memo); !err.empty())
    return finish_command(rt, options, output_failed(err));
  if (!options.quiet) {
    auto* to = outputs.summary;
    std::fprintf(to, "troupe run: %s\n", r.tree.root.c_str());
    std::fputs(facts.value("summary", std::string{}).c_str(), to);
    std::fprintf(to, "  cache     every input unchanged since a stored run: no task dispatched, "
                     "reports from the run memo\n");
    std::fprintf(to, "  time      %.2f s wall, peak RSS %s; start %.3f s, run memo %.3f s, "
                     "report %.3f s\n",
                 r.wall_seconds, human_bytes(r.peak_rss_bytes).c_str(), start_s, lookup_s,
                 seconds_since(writing));
    std::fprintf(to, "  report    %s\n", report_path.c_str());
  }
  return finish_command(rt, options, exit_ok);
}

} // namespace

std::string default_cache_dir() {
  if (const char* dir = std::getenv("TROUPE_CACHE_DIR"); dir && *dir)
    return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string{xdg} + "/troupe";
  const char* home = std::getenv("HOME");
  return std::string{home && *home ? home : "/tmp"} + "/.cache/troupe";
}

config::loader_options profile_search(const std::vector<std::string>& extra_dirs) {
  config::loader_options opts;
  for (auto& dir : config::profile_path_from_env())
    opts.search_dirs.push_back(dir);
  for (auto& dir : extra_dirs)
    opts.search_dirs.emplace_back(dir);
  return opts;
}

std::optional<config::settings>
load_profile_or_report(const config::profile_loader& loader, const std::string& name_or_path) {
  auto res = loader.load(name_or_path);
  for (const auto& err : res.errors)
    std::cerr << "troupe: error: " << err.to_string() << '\n';
  if (!res.errors.empty() || !res.value)
    return std::nullopt;
  return res.value;
}

int run_command(const config::profile_loader& loader, const run_command_options& options) {
  auto loaded = load_profile_or_report(loader, options.profile);
  if (!loaded)
    return exit_usage;
  analysis_options ao;
  ao.root = options.root;
  ao.settings = *loaded;
  if (options.workers)
    ao.settings.parallel.workers = *options.workers;
  std::error_code ec;
  if (!fs::is_directory(ao.root, ec)) {
    std::cerr << "troupe: error: " << ao.root << ": no such directory\n";
    return exit_usage;
  }
  auto trace_path = options.trace_file;
  if (const char* env = std::getenv("TROUPE_TRACE"); trace_path.empty() && env)
    trace_path = env;
  auto report_path =
    options.json_file.empty() ? (fs::path{options.out_dir} / "report.json").string()
                              : options.json_file;
  // Whatever cannot be written is refused before any work starts.
  run_outputs outputs;
  if (auto err = check_outputs(options, report_path, trace_path, outputs); !err.empty()) {
    std::cerr << "troupe: error: " << err << '\n';
    return exit_usage;
  }
  // Signals are blocked before the runtime starts any thread, so only the
  // watcher sees them and the run can stop cleanly.
  runtime* active = nullptr;
  signal_watch watch{[&active](int) {
    if (active)
      active->cancel();
  }};
  ao.file_agents = actors::builtin_file_agents();
  ao.corpus_agents = corpus::builtin_corpus_agents();
  ao.corpus_context.out_dir = options.out_dir;
  ao.corpus_context.index_url = options.index_url;
  if (const char* env = std::getenv("TROUPE_INDEX_URL"); ao.corpus_context.index_url.empty() && env)
    ao.corpus_context.index_url = env;
  ao.corpus_context.network = ao.settings.network;
  ao.corpus_context.max_retries = ao.settings.agents.max_retries;
  runtime_options ro;
  ro.workers = ao.settings.parallel.workers;
  ro.queue_size = ao.settings.parallel.queue_size;
  ro.memory_budget = ao.settings.parallel.memory_limit;
  if (!options.no_cache)
    ro.cache_dir = options.cache_dir.empty() ? default_cache_dir() : options.cache_dir;
  ro.l1_bytes = ao.settings.cache.l1_size;
  ro.l2_bytes = ao.settings.cache.l2_size;
  ro.l1_ttl = ao.settings.cache.ttl;
  // One analysis per process: a record used once is not worth keeping in
  // memory (measured: 40 MB less for a run with 10% of the files changed,
  // ~100 MB less for a cold run); contents seen twice are kept.
  ro.l1_admission = cache::l1_admission::second_use;
  // A run whose every input matches a stored run is answered by its memo
  // (not when a trace is asked for: a trace shows the tasks of a run). Its
  // key needs every file read and digested, which needs no cache: done
  // while the runtime starts.
  std::future<detail::run_inputs> digesting;
  if (!ro.cache_dir.empty())
    ao.digest_memo_file = (fs::path{ro.cache_dir} / "digests").string();
  if (!ro.cache_dir.empty() && !options.no_run_memo && trace_path.empty())
    digesting = std::async(std::launch::async,
                           [inputs_of = ao] { return detail::digest_run_inputs(inputs_of); });
  auto starting = std::chrono::steady_clock::now();
  runtime rt{ro};
  auto start_s = seconds_since(starting);
  active = &rt;
  auto log = rt.logger("troupe.run");
  // Runs writing one output folder take turns from the first file they
  // write there (generated code) until their reports are in place.
  detail::output_lock lock{options.out_dir};
  ao.corpus_context.before_writing = [&lock, &log, &options, &watch] {
    if (auto err = lock.acquire(
          [&] { log->info("waiting for another troupe run writing to {}", options.out_dir); },
          [&] { return watch.last_signal() != 0; });
        !err.empty())
      log->warn("output folder not locked: {}", err);
  };
  ao.cache = rt.cache();
  if (!ro.cache_dir.empty())
    ao.history_file = (fs::path{ro.cache_dir} / "run-history.json").string();
  // Progress and trace observe the run: counters bumped on the supervisor's
  // thread, drawn by the reporter's thread; the trace is written afterwards.
  progress_reporter progress{{options.quiet ? progress_mode::off : progress_mode::automatic}};
  std::vector<trace_label> trace_labels;
  ao.before_run = [&](const task_graph& g, graph_run_options& gro) {
    progress.start(g);
    gro.on_task_finished = [&progress, next = std::move(gro.on_task_finished)](
                             std::size_t t, const task_outcome& o) {
      progress.task_finished(t, o);
      if (next)
        next(t, o);
    };
    if (!trace_path.empty())
      trace_labels = trace_labels_of(g);
  };
  // lookup_s: the wall time the memo lookup added after the runtime started.
  detail::run_memo_lookup memo;
  double lookup_s = 0;
  if (digesting.valid()) { // a cache folder was given: rt.cache() exists
    auto looking = std::chrono::steady_clock::now();
    memo = detail::lookup_run_memo(*ao.cache, ao, digesting.get());
    lookup_s = seconds_since(looking);
    if (!memo.inputs.not_used.empty())
      log->debug("run memo not used: {}", memo.inputs.not_used);
    if (memo.memo)
      return serve_run_memo(rt, ao, options, memo, lock, outputs, report_path, starting, start_s,
                            lookup_s);
    if (memo.inputs.walked) {
      ao.walked_tree = std::move(memo.inputs.tree); // not walked twice
      ao.content_digests = std::move(memo.inputs.digests); // nor read twice, where cached
    }
  }
  analysis_result result;
  std::string error;
  bool analysed = run_analysis(rt, ao, result, error);
  // The lookup walked the tree (the run did not walk it again) and read
  // and digested every file.
  if (memo.inputs.walked)
    result.phases.insert(result.phases.begin(), {"run_memo", lookup_s});
  result.phases.insert(result.phases.begin(), {"start", start_s});
  progress.finish(); // the bar is gone before logs and the summary
  if (!analysed) {
    std::cerr << "troupe: error: " << error << '\n';
    return exit_usage;
  }
  active = nullptr;
  for (const auto& f : result.files) {
    if (!f.cache_error.empty()) {
      log->warn("disk cache write failed, continuing without it: {}", f.cache_error);
      break;
    }
  }
  for (const auto& w : result.tree.warnings)
    log->warn("{}", w);
  for (const auto& f : result.files)
    if (f.state != file_state::parsed && f.state != file_state::pending)
      log->warn("{}: skipped ({}): {}", f.path, to_string(f.state), f.detail);
  for (const auto& t : result.graph.tasks)
    if (t.status == task_status::failed)
      log->error("task failed after {} attempts: {}", t.attempts, t.error);
  auto writing = std::chrono::steady_clock::now();
  ao.corpus_context.before_writing(); // the lock, if codegen did not take it
  auto trace = [&](std::ostream& out) { write_chrome_trace(out, trace_labels, result.graph); };
  // With a cache, the input-derived parts of the reports are rendered once,
  // written, and stored as the run memo; without, the reports are streamed.
  std::optional<detail::run_memo> parts;
  if (memo.parts)
    parts = detail::make_run_memo(result, ao, content_summary(result));
  std::string write_error;
  if (parts) {
    result.report_seconds = seconds_since(writing);
    auto head = detail::make_report_head(result, ao);
    parts->agents = detail::json_text(head.agents);
    write_error = write_reports(lock, outputs, head, *parts, trace);
    // Stored even when the reports could not be written: the next run with
    // the same inputs writes them without analysing again.
    if (auto err = detail::store_run_memo(*ao.cache, memo, std::move(*parts)); !err.empty())
      log->warn("run memo not stored: {}", err);
  } else {
    write_error = write_outputs(
      lock, outputs, [&](std::ostream& out) { write_report_markdown(out, result, ao); },
      [&](std::ostream& out) { write_report_html(out, result, ao); },
      [&](std::ostream& out) {
        result.report_seconds = seconds_since(writing);
        write_report_json(out, result, ao);
      },
      trace);
  }
  if (!write_error.empty())
    return finish_command(rt, options, output_failed(write_error));
  auto report_write_s = seconds_since(writing);
  if (!options.quiet)
    print_summary(outputs.summary, result, outputs.json.shown, report_write_s);
  if (result.graph.cancelled || watch.last_signal() != 0)
    return finish_command(rt, options, exit_interrupted);
  return finish_command(rt, options,
                        result.graph.count(task_status::failed) > 0 ? exit_agents_failed
                                                                    : exit_ok);
}

int validate_command(const config::profile_loader& loader, const std::string& file) {
  auto res = loader.load_file(file);
  for (const auto& err : res.errors)
    std::cerr << "troupe: error: " << err.to_string() << '\n';
  if (!res.errors.empty() || !res.value)
    return exit_usage;
  std::cout << file << ": valid\n";
  return exit_ok;
}

int config_show_command(const config::profile_loader& loader, const std::string& name) {
  auto loaded = load_profile_or_report(loader, name);
  if (!loaded)
    return exit_usage;
  std::cout << config::to_yaml(*loaded);
  return exit_ok;
}

int config_diff_command(const config::profile_loader& loader, const std::string& a,
                        const std::string& b) {
  auto left = load_profile_or_report(loader, a);
  auto right = load_profile_or_report(loader, b);
  if (!left || !right)
    return exit_usage;
  for (const auto& d : config::diff(*left, *right))
    std::cout << d.to_string() << '\n';
  return exit_ok;
}

int agents_command(bool dot) {
  auto reg = actors::builtin_agents();
  if (dot) {
    std::cout << reg.to_dot();
    return exit_ok;
  }
  for (const auto& a : reg.agents()) {
    std::string deps;
    for (const auto& d : a.depends_on)
      deps += (deps.empty() ? "" : ",") + d;
    std::printf("%-22s group %d  v%u  %-40s %s\n", a.id.c_str(), static_cast<int>(a.scope),
                a.version, deps.empty() ? "-" : deps.c_str(), a.summary.c_str());
  }
  return exit_ok;
}

} // namespace troupe
