// The troupe command line: parses arguments, then calls the command functions
// of troupe/runtime/commands.hpp and troupe/scenarios/bench_command.hpp.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "troupe/config/units.hpp"
#include "troupe/runtime/cache_commands.hpp"
#include "troupe/runtime/commands.hpp"
#include "troupe/runtime/exit_code.hpp"
#include "troupe/scenarios/bench_command.hpp"

namespace {

constexpr const char* default_corpus = "/usr/lib/python3.11";

std::vector<std::string> builtin_profile_dirs() {
  return {TROUPE_PROFILE_DIR_BUILD, TROUPE_PROFILE_DIR_INSTALL};
}

} // namespace

int main(int argc, char** argv) {
  // A closed pipe at standard output (`--json - | head`) is a write error
  // reported with exit code 74, not a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"troupe: an actor-model framework that analyses code bases with 23 agents"};
  app.require_subcommand(1);
  app.set_version_flag("--version", TROUPE_VERSION);
  std::vector<std::string> profile_dirs;
  app.add_option("--profile-dir", profile_dirs, "extra directory searched for NAME.yaml")
    ->check(CLI::ExistingDirectory);

  troupe::run_command_options run_opts;
  run_opts.root = default_corpus;
  run_opts.end_process = true; // this process ends with the command
  auto* run = app.add_subcommand("run", "analyse a source tree and write the report");
  run->add_option("dir", run_opts.root, "directory to analyse")->capture_default_str();
  run->add_option("--profile", run_opts.profile, "profile name or YAML file")
    ->capture_default_str();
  run->add_option("--workers", run_opts.workers, "worker actors (default: profile)")
    ->check(CLI::Range(1u, 1024u));
  run->add_option("--out", run_opts.out_dir, "output directory")->capture_default_str();
  run->add_option("--json", run_opts.json_file,
                  "report.json path, - for standard output (default: OUT/report.json)");
  run->add_option("--trace", run_opts.trace_file,
                  "write a Chrome trace-event JSON of the run (default: $TROUPE_TRACE)");
  run->add_flag("--quiet,-q", run_opts.quiet, "print nothing on success");
  run->add_option("--cache-dir", run_opts.cache_dir,
                  "cache folder (default: $TROUPE_CACHE_DIR, $XDG_CACHE_HOME/troupe, ~/.cache/troupe)");
  run->add_flag("--no-cache", run_opts.no_cache, "use no cache tier at all");
  run->add_flag("--no-run-memo", run_opts.no_run_memo,
                "never answer the whole run from a stored run with the same inputs "
                "(per-file records are still cached)");
  run->add_option("--index", run_opts.index_url,
                  "package index for deps_lookup, http://HOST:PORT (default: $TROUPE_INDEX_URL)");

  std::string validate_file;
  auto* validate = app.add_subcommand("validate", "check a profile file");
  validate->add_option("file", validate_file, "profile YAML file")->required();

  auto* config = app.add_subcommand("config", "show or compare profiles");
  config->require_subcommand(1);
  std::string show_name;
  auto* show = config->add_subcommand("show", "print the effective settings of a profile");
  show->add_option("name", show_name, "profile name or file")->required();
  std::string diff_a;
  std::string diff_b;
  auto* diff = config->add_subcommand("diff", "print the settings two profiles differ in");
  diff->add_option("a", diff_a, "profile name or file")->required();
  diff->add_option("b", diff_b, "profile name or file")->required();

  bool dot = false;
  auto* agents = app.add_subcommand("agents", "list the agents and their dependencies");
  agents->add_flag("--dot", dot, "print the DAG in Graphviz dot syntax");

  troupe::scenarios::bench_command_options bench_opts;
  auto* bench = app.add_subcommand("bench", "measure the scenarios side by side with baselines");
  bench->add_option("--scenario", bench_opts.scenarios, "scenario to run (repeatable; default all)");
  bench->add_flag("--quick", bench_opts.quick, "fewer samples");
  bench->add_option("--samples", bench_opts.samples, "samples per variant")->check(CLI::Range(1, 1000));
  bench->add_option("--workers", bench_opts.workers, "workers of the parallel variants")
    ->check(CLI::Range(1u, 1024u));
  bench->add_option("--corpus", bench_opts.corpus, "tree to analyse")->capture_default_str();
  bench->add_option("--out", bench_opts.out_dir, "output directory")->capture_default_str();

  troupe::cache_command_options cache_opts;
  std::string gc_size;
  auto* cache = app.add_subcommand("cache", "inspect or maintain the disk cache");
  cache->require_subcommand(1);
  cache->add_option("--cache-dir", cache_opts.cache_dir, "cache folder (default as for run)");
  auto* cache_stats = cache->add_subcommand("stats", "records and bytes in the cache");
  auto* cache_verify = cache->add_subcommand("verify", "check every record's checksum");
  cache_verify->add_flag("--remove", cache_opts.remove_bad, "delete damaged records");
  auto* cache_clear = cache->add_subcommand("clear", "delete every record");
  auto* cache_gc = cache->add_subcommand("gc", "evict least recently used records");
  cache_gc->add_option("--max-bytes", gc_size, "size to shrink to (e.g. 500MB)")->required();

  auto* version = app.add_subcommand("version", "print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto code = app.exit(e);
    return code == 0 ? troupe::exit_ok : troupe::exit_usage;
  }

  for (auto& d : builtin_profile_dirs())
    profile_dirs.push_back(d);
  troupe::config::profile_loader loader{troupe::profile_search(profile_dirs)};

  if (*run)
    return troupe::run_command(loader, run_opts);
  if (*validate)
    return troupe::validate_command(loader, validate_file);
  if (*show)
    return troupe::config_show_command(loader, show_name);
  if (*diff)
    return troupe::config_diff_command(loader, diff_a, diff_b);
  if (*bench)
    return troupe::scenarios::bench_command(bench_opts);
  if (*cache) {
    cache_opts.action = *cache_verify ? troupe::cache_action::verify
                        : *cache_clear ? troupe::cache_action::clear
                        : *cache_gc    ? troupe::cache_action::gc
                                       : troupe::cache_action::stats;
    if (*cache_gc) {
      auto size = troupe::config::parse_size(gc_size);
      if (!size.value) {
        std::cerr << "troupe cache gc: error: --max-bytes " << gc_size << ": " << size.error << '\n';
        return troupe::exit_usage;
      }
      cache_opts.max_bytes = *size.value;
    }
    (void) cache_stats;
    return troupe::cache_command(cache_opts);
  }
  if (*agents)
    return troupe::agents_command(dot);
  if (*version) {
    std::cout << "troupe " << TROUPE_VERSION << '\n';
    return troupe::exit_ok;
  }
  return troupe::exit_usage;
}
