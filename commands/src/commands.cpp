#include "troupe/commands/commands.hpp"

#include <algorithm>
#include <mutex>
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

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "troupe/actors/corpus/agents.hpp"
#include "troupe/actors/corpus/corpus.hpp"
#include "troupe/actors/file/file_agent.hpp"
#include "troupe/analysis/analysis.hpp"
#include "troupe/analysis/builtin_agents.hpp"
#include "troupe/base/exit_code.hpp"
#include "troupe/cache/cache_dir.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/config/settings_diff.hpp"
#include "troupe/config/settings_yaml.hpp"
#include "troupe/reports/findings.hpp"
#include "troupe/reports/internal/report_sections.hpp"
#include "troupe/reports/internal/report_set.hpp"
#include "troupe/reports/internal/run_memo.hpp"
#include "troupe/reports/reports.hpp"
#include "troupe/runtime/agent_registry.hpp"
#include "troupe/runtime/internal/run_nodes.hpp"
#include "troupe/runtime/progress_reporter.hpp"
#include "troupe/runtime/runtime.hpp"
#include "troupe/runtime/signal_watch.hpp"
#include "troupe/runtime/trace_writer.hpp"
#include "troupe/runtime/version.hpp"

namespace troupe {

namespace {

/// The runtime that a signal cancels: the signal watcher's thread calls
/// `cancel` while the command's thread sets and clears it; clearing waits
/// for a cancel in progress, so the runtime is never used after it is gone.
/// A signal that comes before the runtime is set cancels it as it is set
/// (a Ctrl-C while the run starts up is not lost).
class cancel_target {
public:
  void cancel() {
    std::lock_guard<std::mutex> guard{mtx_};
    requested_ = true;
    if (rt_ != nullptr)
      rt_->cancel();
  }

  void set(runtime* rt) {
    std::lock_guard<std::mutex> guard{mtx_};
    rt_ = rt;
    if (rt_ != nullptr && requested_)
      rt_->cancel();
  }

  /// Clears the target when it goes out of scope.
  struct scope {
    cancel_target& target;
    ~scope() {
      target.set(nullptr);
    }
  };

private:
  std::mutex mtx_;
  runtime* rt_ = nullptr;
  bool requested_ = false;
};

namespace fs = std::filesystem;

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
                    detail::human_bytes(r.bytes).c_str()));
  add(std::snprintf(line, sizeof line,
                    "  skipped   %zu unreadable, %zu binary, %zu not UTF-8, %zu too large, "
                    "%zu with a name not UTF-8, %zu over the parse budget\n",
                    r.count(file_state::unreadable), r.count(file_state::binary),
                    r.count(file_state::not_utf8), r.count(file_state::too_large),
                    r.count(file_state::bad_name), r.count(file_state::over_budget)));
  add(std::snprintf(line, sizeof line, "  symbols   %zu functions, %zu classes\n", functions,
                    classes));
  bool corpus_ran = std::any_of(r.plan.tasks().begin(), r.plan.tasks().end(), [](const auto& t) {
    return t.items.empty() && t.agent() != "report";
  });
  if (corpus_ran) {
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
              detail::human_bytes(r.peak_rss_bytes).c_str());
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

/// A command-line mistake found before any work starts (exit 2).
troupe::error usage_error(std::string message) {
  return {errc::invalid_config, std::move(message)};
}

/// Checks that the output folder and every output can be written (creating
/// missing folders); a usage error naming what cannot be written.
troupe::error check_outputs(const run_command_options& options, const std::string& report_path,
                            const std::string& trace_path, run_outputs& out) {
  if (options.out_dir.empty() || options.out_dir == "-")
    return usage_error("--out needs a folder");
  std::error_code ec;
  if (fs::exists(options.out_dir, ec) && !fs::is_directory(options.out_dir, ec))
    return usage_error("--out " + options.out_dir + ": exists and is not a folder");
  auto out_dir = fs::path{options.out_dir};
  auto check = [](const std::string& option, const std::string& path,
                  detail::output_target& target) -> troupe::error {
    auto err = detail::resolve_output(path, target);
    return err ? usage_error(option + " " + path + ": " + err.message()) : troupe::error{};
  };
  if (auto err = check("--out", (out_dir / "report.md").string(), out.markdown))
    return err;
  if (auto err = check("--out", (out_dir / "report.html").string(), out.html))
    return err;
  if (auto err = check("--json", report_path, out.json))
    return err;
  out.with_trace = !trace_path.empty();
  if (out.with_trace)
    if (auto err = check("--trace", trace_path, out.trace))
      return err;
  using kind = detail::output_target::kind;
  if (out.with_trace && out.json.type == kind::standard_output
      && out.trace.type == kind::standard_output)
    return usage_error("--json and --trace cannot both write to standard output");
  bool to_stdout = out.json.type == kind::standard_output
                   || (out.with_trace && out.trace.type == kind::standard_output);
  if (to_stdout && options.format != output_format::summary)
    return usage_error(std::string{"--format "}
                       + (options.format == output_format::text ? "text" : "sarif")
                       + " prints the findings on standard output: --json and --trace cannot "
                         "write there too");
  if (to_stdout)
    out.summary = stderr;
  return {};
}

/// Stages report.md, report.html and report.json (see detail::output_set)
/// from a fresh head and stored (or just rendered) input-derived parts;
/// errc::unwritable_output when one could not be written.
troupe::error stage_reports(detail::output_set& set, const run_outputs& outputs,
                          const detail::report_head& head, const detail::run_memo& parts) {
  std::vector<detail::output_item> items;
  items.push_back({outputs.markdown, [&](std::ostream& out) {
                     detail::write_markdown_head(out, head);
                     detail::write_body(out, parts.markdown_body, head.root);
                     detail::write_markdown_tail(out, head);
                   }});
  items.push_back({outputs.html, [&](std::ostream& out) {
                     detail::write_html_head(out, head);
                     detail::write_body(out, parts.html_body, head.root);
                     detail::write_html_tail(out, head);
                   }});
  items.push_back({outputs.json, [&](std::ostream& out) {
                     detail::write_report_json(out, head.run, head.agents, parts.content);
                   }});
  return set.stage_concurrently(std::move(items));
}

/// Puts the staged outputs in place together (see detail::output_set), then
/// lets the next run at the output folder in (the caller took the lock);
/// errc::unwritable_output when they were not written.
troupe::error commit_outputs(detail::output_set& set, detail::output_lock& lock) {
  auto err = set.commit();
  set.clear();
  lock.release();
  return err;
}

/// The message and exit code of a run whose outputs could not be written.
int output_failed(const troupe::error& error) {
  std::cerr << "troupe: error: " << error.message()
            << "; the run completed but its reports were not written (none was replaced)\n";
  return exit_output_failed;
}

/// Prints the findings on stdout in the format asked for.
void print_findings(const run_command_options& options, const std::vector<finding>& findings,
                    const std::string& root) {
  if (options.format == output_format::text)
    write_findings_text(std::cout, findings);
  else if (options.format == output_format::sarif)
    write_findings_sarif(std::cout, findings, root, version());
  std::cout.flush();
}

/// The exit code of a completed run by `--fail-on` and `--fail-under`.
int gate_exit_code(const run_command_options& options, const std::vector<finding>& findings,
                   double score, const std::shared_ptr<spdlog::logger>& log) {
  if (auto level = parse_severity(options.fail_on)) {
    std::size_t at_least = 0;
    for (const auto& f : findings)
      at_least += f.level >= *level;
    if (at_least > 0) {
      log->error("{} finding(s) at or above severity {} (--fail-on)", at_least,
                 to_string(*level));
      return exit_findings;
    }
  }
  if (options.fail_under && score < *options.fail_under) {
    log->error("overall score {:.1f} is below {} (--fail-under)", score, *options.fail_under);
    return exit_score;
  }
  return exit_ok;
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
  std::vector<finding> findings;
  if (!decode_findings(memo.findings, findings))
    log->warn("the run memo's findings do not decode; none reported");
  head.score = facts.value("score", 100.0);
  auto counts = count_findings(findings);
  std::copy(std::begin(counts.by_severity), std::end(counts.by_severity), head.findings);
  auto writing = std::chrono::steady_clock::now();
  ao.corpus_context.before_writing(); // the output folder's lock
  detail::output_set set;
  auto err = stage_reports(set, outputs, head, memo);
  if (!err)
    err = commit_outputs(set, lock);
  if (err) {
    set.clear();
    lock.release();
    return finish_command(rt, options, output_failed(err));
  }
  if (options.format != output_format::summary) {
    print_findings(options, findings, r.tree.root);
  } else if (!options.quiet) {
    auto* to = outputs.summary;
    std::fprintf(to, "troupe run: %s\n", r.tree.root.c_str());
    std::fputs(facts.value("summary", std::string{}).c_str(), to);
    std::fprintf(to, "  cache     every input unchanged since a stored run: no task dispatched, "
                     "reports from the run memo\n");
    std::fprintf(to, "  time      %.2f s wall, peak RSS %s; start %.3f s, run memo %.3f s, "
                     "report %.3f s\n",
                 r.wall_seconds, detail::human_bytes(r.peak_rss_bytes).c_str(), start_s, lookup_s,
                 seconds_since(writing));
    std::fprintf(to, "  report    %s\n", report_path.c_str());
  }
  return finish_command(rt, options,
                        gate_exit_code(options, findings, facts.value("score", 100.0), log));
}

/// The run's log sink: stderr, "troupe: LEVEL: message", coloured only on
/// a terminal and when NO_COLOR is not set.
std::shared_ptr<spdlog::sinks::sink> make_log_sink() {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  const char* no_color = std::getenv("NO_COLOR");
  bool color = isatty(STDERR_FILENO) && !(no_color && *no_color);
  sink->set_color_mode(color ? spdlog::color_mode::always : spdlog::color_mode::never);
  sink->set_pattern(color ? "troupe: %^%l%$: %v" : "troupe: %l: %v");
  return sink;
}

/// Checks the options that need no file system before any work starts;
/// prints what is wrong and returns false.
bool check_run_options(const run_command_options& options, std::string& index_url) {
  bool ok = true;
  auto fail = [&](const std::string& what) {
    std::cerr << "troupe: error: " << what << '\n';
    ok = false;
  };
  if (!options.fail_on.empty() && !parse_severity(options.fail_on))
    fail("--fail-on " + options.fail_on + ": expected one of info, low, medium, high");
  if (options.fail_under && (*options.fail_under < 0 || *options.fail_under > 100))
    fail("--fail-under " + std::to_string(*options.fail_under)
         + ": expected a score between 0 and 100");
  if (options.generate) {
    const auto& words = *options.generate;
    for (const auto& word : words)
      if (word != "tests" && word != "docs" && word != "none")
        fail("--generate " + word + ": expected tests, docs or none (comma-separated)");
    if (std::count(words.begin(), words.end(), "none") > 0 && words.size() > 1)
      fail("--generate: 'none' cannot stand beside another word");
  }
  if (spdlog::level::from_str(options.log_level) == spdlog::level::off
      && options.log_level != "off")
    fail("--log-level " + options.log_level
         + ": expected trace, debug, info, warning, error, critical or off");
  bool from_env = index_url.empty();
  if (from_env)
    if (const char* env = std::getenv("TROUPE_INDEX_URL"); env && *env)
      index_url = env;
  std::string host;
  std::uint16_t port = 0;
  if (!index_url.empty() && !corpus::parse_index_url(index_url, host, port))
    fail(std::string{from_env ? "TROUPE_INDEX_URL" : "--index"} + " " + index_url
         + ": not a package index URL of the form http://HOST:PORT");
  return ok;
}

} // namespace

int run_command(const config::profile_loader& loader, const run_command_options& options) {
  std::string index_url = options.index_url;
  if (!check_run_options(options, index_url))
    return exit_usage;
  auto loaded = config::load_profile_or_report(loader, options.profile);
  if (!loaded)
    return exit_usage;
  analysis_options ao;
  ao.root = options.root;
  ao.settings = *loaded;
  if (options.workers)
    ao.settings.parallel.workers = *options.workers;
  auto& analysis = ao.settings.analysis;
  for (const auto& pattern : options.exclude)
    analysis.exclude.push_back(pattern);
  if (options.no_ignore)
    analysis.gitignore = false;
  ao.walk.exclude = analysis.exclude;
  ao.walk.default_excludes = analysis.default_excludes;
  ao.walk.gitignore = analysis.gitignore;
  if (options.generate) {
    analysis.generate.emplace();
    for (const auto& word : *options.generate)
      if (word != "none")
        analysis.generate->push_back(word);
  } else if (!analysis.generate)
    analysis.generate = options.default_corpus ? std::vector<std::string>{"tests", "docs"}
                                               : std::vector<std::string>{};
  auto generates = [&](const char* what) {
    const auto& g = *analysis.generate;
    return std::find(g.begin(), g.end(), what) != g.end();
  };
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
  if (auto err = check_outputs(options, report_path, trace_path, outputs)) {
    std::cerr << "troupe: error: " << err.message() << '\n';
    return exit_usage;
  }
  // Signals are blocked before the runtime starts any thread, so only the
  // watcher sees them and the run can stop cleanly.
  cancel_target active;
  signal_watch watch{[&active](int) { active.cancel(); }};
  ao.corpus_context.out_dir = options.out_dir;
  ao.corpus_context.index_url = index_url;
  ao.corpus_context.generate_tests = generates("tests");
  ao.corpus_context.generate_docs = generates("docs");
  ao.corpus_context.init_reexports = analysis.init_reexports;
  ao.corpus_context.network = ao.settings.network;
  ao.corpus_context.max_retries = ao.settings.agents.max_retries;
  runtime_options ro;
  ro.log_sink = make_log_sink();
  ro.log_level = options.log_level;
  ro.workers = ao.settings.parallel.workers;
  ro.queue_size = ao.settings.parallel.queue_size;
  ro.cpu_affinity = ao.settings.parallel.cpu_affinity;
  ro.memory_budget = ao.settings.parallel.memory_limit;
  if (!options.no_cache)
    ro.cache_dir = options.cache_dir.empty() ? cache::default_cache_dir() : options.cache_dir;
  ro.l1_bytes = ao.settings.cache.l1_size;
  ro.l2_bytes = ao.settings.cache.l2_size;
  ro.l1_ttl = ao.settings.cache.ttl;
  // One analysis per process: a record used once is not worth keeping in
  // memory (measured: 40 MB less for a run with 10% of the files changed,
  // ~100 MB less for a cold run); contents seen twice are kept.
  ro.l1_admission = cache::l1_admission::second_use;
  // A run whose every input matches a stored run is answered by its memo.
  std::future<detail::run_inputs> digesting;
  if (!ro.cache_dir.empty())
    ao.digest_memo_file = (fs::path{ro.cache_dir} / "digests").string();
  // Other nodes: the network is set up before the runtime starts, the
  // nodes joined (or started) once it runs.
  bool uses_nodes = false;
  if (options.nodes) {
    auto prepared = options.nodes->prepare(ro, ao.settings, options.join);
    if (!prepared) {
      std::cerr << "troupe: error: " << prepared.error().message() << "\n";
      return exit_usage;
    }
    uses_nodes = *prepared;
  } else if (!options.join.empty()
             || ao.settings.parallel.type == config::worker_type::process) {
    std::cerr << "troupe: error: "
              << (options.join.empty() ? "parallel.worker_type: process" : "--join")
              << " needs the nodes component, which this program does not include\n";
    return exit_usage;
  }
  // Every file is read and digested while the runtime starts: for the run
  // memo's key (not when a trace is asked for: a trace shows the tasks of a
  // run), and for placement on other nodes (which asks each node which
  // files' records its cache holds). It needs no cache.
  bool memo_allowed = !options.no_run_memo && trace_path.empty();
  if (!ro.cache_dir.empty() && (memo_allowed || uses_nodes))
    digesting = std::async(std::launch::async,
                           [inputs_of = ao] { return detail::digest_run_inputs(inputs_of); });
  auto starting = std::chrono::steady_clock::now();
  runtime rt{ro};
  auto start_s = seconds_since(starting);
  active.set(&rt);
  // Cleared before `rt` goes, on every way out: a signal then cancels nothing.
  cancel_target::scope cancels_rt{active};
  auto log = rt.logger("troupe.run");
  // Runs writing one output folder take turns from the first file they
  // write there (generated code) until their reports are in place.
  detail::output_lock lock{options.out_dir};
  ao.corpus_context.before_writing = [&lock, &log, &options, &watch] {
    if (auto err = lock.acquire(
          [&] { log->info("waiting for another troupe run writing to {}", options.out_dir); },
          [&] { return watch.last_signal() != 0; }))
      log->warn("output folder not locked: {}", err.message());
  };
  // A setting this build cannot act on is named, never ignored in silence.
  if (ao.settings.tuner.enabled)
    log->warn("tuner.enabled: this build has no adaptive tuner; tasks are ranked and sharded "
              "by the costs earlier runs measured (run-history.json) and nothing is retuned "
              "during a run");
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
  if (digesting.valid() && !memo_allowed) { // digested for placement only
    auto inputs = digesting.get();
    if (inputs.walked) {
      ao.walked_tree = std::move(inputs.tree);
      ao.content_digests = std::move(inputs.digests);
    }
  } else if (digesting.valid()) { // a cache folder was given: rt.cache() exists
    auto looking = std::chrono::steady_clock::now();
    memo = detail::lookup_run_memo(*ao.cache, ao, digesting.get());
    lookup_s = seconds_since(looking);
    if (!memo.inputs.not_used.empty())
      log->debug("run memo not used: {}", memo.inputs.not_used);
    if (memo.memo)
      return serve_run_memo(rt, ao, options, memo, lock, outputs, report_path, starting, start_s,
                            lookup_s);
  }
  // Nodes are joined (node processes started) only for a run the local
  // tiers' memo did not answer.
  detail::run_nodes joined;
  if (uses_nodes) {
    auto connected = options.nodes->connect(rt, ao.settings, options.join);
    if (!connected) {
      std::cerr << "troupe: error: " << connected.error().message() << "\n";
      return connected.error().code() == errc::peer_unreachable ? exit_unavailable : exit_usage;
    }
    joined = std::move(*connected);
    for (const auto& note : joined.notes)
      log->debug("{}", note);
    ao.nodes = joined.nodes;
    ao.local_item_work = !joined.nodes_are_workers;
  }
  // A memo the local tiers lacked may be in the nodes' L3 (stored there by
  // a run of another node): then it answers the run. (memo.parts implies a
  // cache; an L3 tier implies joined nodes.)
  if (memo.parts && !memo.memo && ao.cache->l3()) {
    auto looking = std::chrono::steady_clock::now();
    detail::find_run_memo(*ao.cache, ao, memo);
    lookup_s += seconds_since(looking);
    if (memo.memo) {
      ao.nodes.clear();
      joined.stop(); // puts nothing: the memo's L3 hit went to L2 and L1 only
      joined = {};
      return serve_run_memo(rt, ao, options, memo, lock, outputs, report_path, starting, start_s,
                            lookup_s);
    }
  }
  if (memo.inputs.walked) {
    ao.walked_tree = std::move(memo.inputs.tree); // not walked twice
    ao.content_digests = std::move(memo.inputs.digests); // nor read twice, where cached
  }
  if (ao.settings.cache.l3_enabled && !uses_nodes)
    log->warn("cache.l3_enabled: no node takes part in this run, so there is no L3 tier");
  if (uses_nodes && !ao.settings.nodes.lend_workers && !ao.settings.cache.l3_enabled)
    log->warn("nodes.lend_workers: false and cache.l3_enabled: false: the joined nodes serve "
              "this run nothing");
  // The `report` agent's task renders the reports once every other agent
  // is final, into temporary files (streams into memory) that are swapped
  // in together with the trace after the run. With a cache, the
  // input-derived parts of the reports are rendered once and stored as the
  // run memo; without, the reports are streamed.
  double report_write_s = 0;
  detail::output_set staged;
  troupe::error write_error;
  // What happened before the analysis: the runtime's start and, when the
  // memo lookup walked the tree and digested every file, that lookup.
  auto add_leading_phases = [&](analysis_result& r) {
    if (!r.phases.empty() && r.phases.front().first == "start")
      return;
    if (memo.inputs.walked)
      r.phases.insert(r.phases.begin(), {"run_memo", lookup_s});
    r.phases.insert(r.phases.begin(), {"start", start_s});
  };
  ao.report = [&](analysis_result& r) -> troupe::error {
    auto writing = std::chrono::steady_clock::now();
    add_leading_phases(r);
    ao.corpus_context.before_writing(); // the lock, if codegen did not take it
    staged.clear(); // an attempt starts afresh
    write_error = {};
    auto failed = [&](troupe::error error) {
      staged.clear();
      write_error = error;
      return error;
    };
    std::optional<detail::run_memo> parts;
    if (memo.parts)
      parts = detail::make_run_memo(r, ao, content_summary(r));
    if (parts) {
      parts->findings = encode_findings(collect_findings(r));
      r.report_seconds = seconds_since(writing);
      auto head = detail::make_report_head(r, ao);
      parts->agents = detail::json_text(head.agents);
      auto err = stage_reports(staged, outputs, head, *parts);
      // Stored even when the reports could not be written: the next run
      // with the same inputs writes them without analysing again.
      if (auto stored = detail::store_run_memo(*ao.cache, memo, std::move(*parts)))
        log->warn("run memo not stored: {}", stored.message());
      if (err)
        return failed(err);
    } else {
      // report.json carries the time the other two took to render.
      std::vector<detail::output_item> pages;
      pages.push_back(
        {outputs.markdown, [&](std::ostream& out) { write_report_markdown(out, r, ao); }});
      pages.push_back({outputs.html, [&](std::ostream& out) { write_report_html(out, r, ao); }});
      auto err = staged.stage_concurrently(std::move(pages));
      r.report_seconds = seconds_since(writing);
      if (!err)
        err = staged.stage(outputs.json, [&](std::ostream& out) { write_report_json(out, r, ao); });
      if (err)
        return failed(err);
    }
    report_write_s = seconds_since(writing);
    return {};
  };
  analysis_result result;
  auto analysed = run_analysis(rt, ao, result);
  // The nodes served the run (the reports are written): the worker
  // processes stop and the connections close now, whatever follows.
  ao.nodes.clear();
  if (joined.stop)
    joined.stop();
  joined = {};
  add_leading_phases(result);
  progress.finish(); // the bar is gone before logs and the summary
  if (analysed) {
    std::cerr << "troupe: error: " << analysed.message() << '\n';
    return exit_usage;
  }
  active.set(nullptr);
  // Disk writes happen on the L2 actor; once committed, its first failure
  // (if any) is known.
  if (ao.cache) {
    rt.persist();
    auto err = ao.cache->take_l2_error();
    for (std::size_t i = 0; !err && i < result.files.size(); ++i)
      if (!result.files[i].cache_error.empty())
        err = {errc::unreadable_input, result.files[i].cache_error};
    if (err)
      log->warn("disk cache write failed, continuing without it: {}", err.message());
  }
  for (const auto& w : result.tree.warnings)
    log->warn("{}", w);
  for (const auto& f : result.files)
    if (f.state != file_state::parsed && f.state != file_state::pending)
      log->warn("{}: skipped ({}): {}", f.path, to_string(f.state), f.detail);
  bool report_written = false;
  std::string report_error;
  for (const auto& row : summarise_agents(result, ao)) {
    if (row.agent == "report") {
      report_written = row.status == task_status::done;
      if (row.error)
        report_error = row.error.message();
    } else if (row.status == task_status::failed) {
      log->error("agent {} failed: {}", row.agent, row.error.message());
    }
  }
  if (!report_written) {
    staged.clear();
    lock.release();
    if (write_error)
      return finish_command(rt, options, output_failed(write_error));
    if (result.graph.cancelled || watch.last_signal() != 0)
      return finish_command(rt, options, exit_interrupted);
    return finish_command(rt, options,
                          output_failed({errc::unwritable_output,
                                         report_error.empty() ? "the reports were not rendered"
                                                              : report_error}));
  }
  auto findings = collect_findings(result);
  // The trace joins the reports, and the set is swapped in together.
  if (outputs.with_trace)
    write_error = staged.stage(outputs.trace, [&](std::ostream& out) {
      write_chrome_trace(out, trace_labels, result.graph);
    });
  if (!write_error)
    write_error = commit_outputs(staged, lock);
  staged.clear();
  lock.release();
  if (write_error)
    return finish_command(rt, options, output_failed(write_error));
  if (options.format != output_format::summary)
    print_findings(options, findings, result.tree.root);
  else if (!options.quiet)
    print_summary(outputs.summary, result, outputs.json.shown, report_write_s);
  if (result.graph.cancelled || watch.last_signal() != 0)
    return finish_command(rt, options, exit_interrupted);
  bool failures = result.graph.count(task_status::failed) > 0 || result.graph.item_failures() > 0;
  if (failures) {
    // An index that never answered is a service unreachable (README).
    const auto& deps = result.corpus_results.deps;
    return finish_command(rt, options,
                          deps.status == "failed" && deps.unreachable ? exit_unavailable
                                                                      : exit_agents_failed);
  }
  return finish_command(rt, options,
                        gate_exit_code(options, findings, result.corpus_results.scores.overall,
                                       log));
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
  auto loaded = config::load_profile_or_report(loader, name);
  if (!loaded)
    return exit_usage;
  std::cout << config::to_yaml(*loaded);
  return exit_ok;
}

int config_diff_command(const config::profile_loader& loader, const std::string& a,
                        const std::string& b) {
  auto left = config::load_profile_or_report(loader, a);
  auto right = config::load_profile_or_report(loader, b);
  if (!left || !right)
    return exit_usage;
  for (const auto& d : config::diff(*left, *right))
    std::cout << d.to_string() << '\n';
  return exit_ok;
}

int agents_command(bool dot) {
  auto reg = builtin_agents();
  if (dot) {
    std::cout << reg.to_dot();
    return exit_ok;
  }
  for (const auto& def : reg.agents()) {
    const auto& a = def.descriptor;
    std::string deps;
    for (const auto& d : a.depends_on)
      deps += (deps.empty() ? "" : ",") + d;
    std::printf("%-22s group %d  v%u  %-40s %s\n", a.id.c_str(), static_cast<int>(a.scope),
                a.version, deps.empty() ? "-" : deps.c_str(), a.summary.c_str());
  }
  return exit_ok;
}

} // namespace troupe
