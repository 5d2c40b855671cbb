// File: the troupe CLI's commands, callable without a command line.
//
// apps/troupe/main.cpp only parses arguments into these structs; everything
// a command does lives here so that it is testable and shared with the node
// daemon. Data goes to stdout, logs and diagnostics to stderr.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "troupe/config/profile_loader.hpp"
#include "troupe/config/settings.hpp"

namespace troupe {


/// What `troupe run` prints on stdout.
enum class output_format {
  /// The run's summary (the default).
  summary,
  /// One `path:line:col: CODE message` line per finding.
  text,
  /// A SARIF 2.1.0 log of the findings.
  sarif,
};

namespace detail {
class run_nodes_provider;
} // namespace detail

/// Arguments of `troupe run`.
struct run_command_options {
  std::string root;
  /// Whether `root` is the default corpus (no DIR given): code generation
  /// is then on unless asked otherwise.
  bool default_corpus = false;
  /// --exclude patterns (.gitignore syntax), added to the profile's
  /// `analysis.exclude`.
  std::vector<std::string> exclude;
  /// --no-ignore: do not read .gitignore files.
  bool no_ignore = false;
  /// --generate: what code generation writes (`tests`, `docs`); unset:
  /// the profile's `analysis.generate`, else nothing for a DIR given and
  /// both for the default corpus.
  std::optional<std::vector<std::string>> generate;
  /// What stdout shows.
  output_format format = output_format::summary;
  /// --fail-on: exit with exit_findings when a finding is at least this
  /// severe ("info", "low", "medium", "high").
  std::string fail_on;
  /// --fail-under: exit with exit_score when the overall score is lower.
  std::optional<double> fail_under;
  /// spdlog level of the run's log lines (trace, debug, info, warn,
  /// error, critical, off).
  std::string log_level = "info";
  std::string profile = "balanced";
  std::optional<std::uint32_t> workers;
  std::string out_dir = "troupe-out";
  /// report.json path; empty means OUT_DIR/report.json.
  std::string json_file;
  /// Chrome trace-event JSON path; empty means $TROUPE_TRACE, or no trace.
  std::string trace_file;
  bool quiet = false;
  /// Cache folder; empty means the default (see cache::default_cache_dir).
  std::string cache_dir;
  /// Run without any cache tier.
  bool no_cache = false;
  /// Neither use nor store the run memo (a whole run answered from a stored
  /// run with the same inputs); the per-file records are still cached.
  bool no_run_memo = false;
  /// Package index for deps_lookup (`http://HOST:PORT`); empty means
  /// $TROUPE_INDEX_URL, or none (deps_lookup is skipped).
  std::string index_url;
  /// End the process (std::_Exit) when the command is done instead of
  /// returning: reports, logs and the cache state are written out first;
  /// the memory of the run and the actor system are left to the operating
  /// system, which reclaims them faster than the destructors would (~55 ms
  /// on the default corpus). For the troupe executable, never for a host.
  bool end_process = false;
  /// --join: nodes (HOST:PORT) whose workers take part, besides the
  /// profile's nodes.join.
  std::vector<std::string> join;
  /// Joins and starts the run's nodes (the troupe executable passes the
  /// nodes component's); null: a run that asks for nodes is refused.
  std::shared_ptr<detail::run_nodes_provider> nodes;
};


/// `troupe run`: analyses a tree, prints a summary, writes the report;
/// returns the exit code (or ends the process with it, see
/// run_command_options::end_process).
int run_command(const config::profile_loader& loader, const run_command_options& options);

/// `troupe validate FILE`: 0 when the profile is valid, 2 otherwise.
int validate_command(const config::profile_loader& loader, const std::string& file);

/// `troupe config show NAME`: the effective settings as YAML.
int config_show_command(const config::profile_loader& loader, const std::string& name);

/// `troupe config diff A B`: the keys whose values differ.
int config_diff_command(const config::profile_loader& loader, const std::string& a,
                        const std::string& b);

/// `troupe agents [--dot]`: the agent DAG as a table or as Graphviz dot.
int agents_command(bool dot);

} // namespace troupe
