// The troupe command line: parses arguments, then calls the command functions
// of troupe/commands/commands.hpp and troupe/scenarios/bench_command.hpp.
#include <algorithm>
#include <csignal>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "troupe/base/exit_code.hpp"
#include "troupe/commands/cache_commands.hpp"
#include "troupe/commands/commands.hpp"
#include "troupe/config/units.hpp"
#include "troupe/scenarios/bench_command.hpp"

#include "node_cli.hpp"

namespace {

constexpr const char* default_corpus = "/usr/lib/python3.11";

std::vector<std::string> builtin_profile_dirs() {
  return {TROUPE_PROFILE_DIR_BUILD, TROUPE_PROFILE_DIR_INSTALL};
}

/// Edit distance of two words: insertions, deletions, substitutions and
/// swaps of two neighbouring letters (`rnu` -> `run`) cost 1 each.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

/// The word of `known` nearest to `word`, or "" when none is near (at most
/// a third of the word's letters, and at least one, differ).
std::string nearest(const std::string& word, const std::vector<std::string>& known) {
  std::string best;
  auto best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (const auto& k : known) {
    auto d = edit_distance(word, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

/// Every option name (`--workers`, `-q`) of `app` and its subcommands.
void option_names(const CLI::App& app, std::set<std::string>& out) {
  for (const auto* opt : app.get_options()) {
    for (const auto& n : opt->get_lnames())
      out.insert("--" + n);
    for (const auto& n : opt->get_snames())
      out.insert("-" + n);
  }
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    option_names(*sub, out);
}

/// The subcommand names of `app`.
std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> out;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    out.push_back(sub->get_name());
  return out;
}

/// Explains a parse error naming the word at fault and the nearest known
/// one; returns false when it has nothing better to say than CLI11.
bool explain_parse_error(const CLI::App& app, int argc, char** argv) {
  std::set<std::string> options;
  option_names(app, options);
  std::vector<std::string> option_list(options.begin(), options.end());
  // The first word that is not an option (or an option's value) names a
  // command; later words may name a subcommand of it.
  const CLI::App* level = &app;
  bool explained = false;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--")
      break;
    if (word.size() > 1 && word[0] == '-') {
      auto name = word.substr(0, word.find('='));
      if (name.size() > 2 && name[1] != '-')
        name = name.substr(0, 2); // -vv, -j4
      if (options.count(name) == 0 && !(name.size() > 1 && name.find_first_not_of('v', 1) == std::string::npos)) {
        auto hint = nearest(name, option_list);
        std::cerr << "troupe: error: unknown option '" << name << "'"
                  << (hint.empty() ? "" : "; did you mean '" + hint + "'?") << '\n';
        explained = true;
      }
      // An option taking a value consumes the next word.
      const CLI::Option* opt = nullptr;
      for (const auto* a = level; a && !opt; a = a->get_parent())
        opt = a->get_option_no_throw(name);
      if (opt && opt->get_type_size() != 0 && word.find('=') == std::string::npos
          && name.size() > 2 && name[1] == '-')
        ++i;
      continue;
    }
    auto names = subcommand_names(*level);
    if (names.empty())
      continue; // a positional argument of a leaf command
    if (std::find(names.begin(), names.end(), word) != names.end()) {
      level = level->get_subcommand(word);
      continue;
    }
    auto hint = nearest(word, names);
    std::string where = level == &app ? "command" : level->get_name() + " command";
    std::cerr << "troupe: error: unknown " << where << " '" << word << "'"
              << (hint.empty() ? "" : "; did you mean '" + hint + "'?") << '\n';
    explained = true;
    break;
  }
  return explained;
}

} // namespace

int main(int argc, char** argv) {
  // A closed pipe at standard output (`--json - | head`) is a write error
  // reported with exit code 74, not a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"troupe: an actor-model framework that analyses code bases with 23 agents",
               "troupe"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string{"troupe "} + TROUPE_VERSION);
  std::vector<std::string> profile_dirs;
  app.add_option("--profile-dir", profile_dirs, "extra directory searched for NAME.yaml")
    ->check(CLI::ExistingDirectory);
  std::string log_level = "info";
  app.add_option("--log-level", log_level,
                 "log lines shown on stderr: trace, debug, info, warning, error, critical, off")
    ->capture_default_str();
  int verbose = 0;
  app.add_flag("-v,--verbose", verbose, "more log lines (-v debug, -vv trace)");
  // Options of a parent (--profile-dir, --log-level, cache's --cache-dir)
  // are accepted after the subcommand too.
  app.fallthrough();

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
  run->add_option("--exclude", run_opts.exclude,
                  "leave out paths matching GLOB (.gitignore syntax, repeatable; "
                  "adds to the profile's analysis.exclude)")
    ->type_name("GLOB");
  run->add_flag("--no-ignore", run_opts.no_ignore,
                "analyse files that .gitignore files ignore");
  std::vector<std::string> generate;
  auto* generate_opt =
    run->add_option("--generate", generate,
                    "code generation: tests, docs, tests,docs or none (default: the profile's "
                    "analysis.generate; none for a DIR, both for the default corpus)")
      ->delimiter(',')
      ->type_name("LIST");
  std::string format = "summary";
  run->add_option("--format", format, "stdout: summary, text (path:line:col: CODE message) or sarif")
    ->check(CLI::IsMember({"summary", "text", "sarif"}))
    ->capture_default_str();
  run->add_option("--fail-on", run_opts.fail_on,
                  "exit 3 when a finding is at least this severe: info, low, medium, high")
    ->type_name("SEVERITY");
  double fail_under = 0;
  auto* fail_under_opt =
    run->add_option("--fail-under", fail_under, "exit 4 when the overall score is below SCORE")
      ->type_name("SCORE");
  troupe::cli::run_nodes_cli run_nodes;
  troupe::cli::add_run_node_options(*run, run_opts, run_nodes);

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
  bench->add_option("--scenario", bench_opts.scenarios, "scenario to run (repeatable; default all)")
    ->type_name("NAME");
  bench->add_flag("--quick", bench_opts.quick,
                  "a tenth of the corpus, smaller workloads, 3 samples, no warm-up");
  bench->add_option("--samples", bench_opts.samples, "samples per variant (default 5, quick 3)")
    ->check(CLI::Range(1, 1000));
  bench->add_option("--workers", bench_opts.workers, "workers of the parallel variants")
    ->check(CLI::Range(1u, 1024u));
  bench->add_option("--corpus", bench_opts.corpus, "tree to analyse")->capture_default_str();
  bench->add_option("--out", bench_opts.out_dir,
                    "output directory (bench.json, bench.md, bench.html, scratch/)")
    ->capture_default_str();
  bench->add_option("--baseline", bench_opts.baseline,
                    "compare with this bench.json; exit 5 when a figure regressed")
    ->type_name("FILE");
  bench->add_option("--save-baseline", bench_opts.save_baseline,
                    "also write this run's bench.json to FILE")
    ->type_name("FILE");
  double threshold_pct = 5;
  auto* threshold_opt =
    bench->add_option("--threshold", threshold_pct,
                      "percent a figure must move by, beyond its whole 95% interval, to count "
                      "as a regression (default 5)")
      ->type_name("PCT");
  bench->footer([] {
    return troupe::scenarios::scenario_help()
           + "\nExit codes: 0 measured (or not measurable here, with the reason); 1 a "
             "scenario failed to run; 2 usage error; 5 a regression against --baseline.";
  });

  troupe::cache_command_options cache_opts;
  std::string gc_size;
  auto* cache = app.add_subcommand("cache", "inspect or maintain the disk cache");
  cache->require_subcommand(1);
  cache->add_option("--cache-dir", cache_opts.cache_dir, "cache folder (default as for run)");
  cache->fallthrough();
  auto* cache_stats = cache->add_subcommand("stats", "records and bytes in the cache");
  troupe::nodes::node_command_options l3_opts;
  std::string l3_join;
  cache_stats->add_option("--join", l3_join,
                          "also print the L3 shards of the cluster of the node at HOST:PORT");
  cache_stats->add_option("--token", l3_opts.token, "cluster token for --join");
  cache_stats->add_option("--cluster", l3_opts.cluster, "cluster id for --join")
    ->capture_default_str();
  cache_stats->add_option("--tls-ca", l3_opts.tls.ca, "PEM file of the cluster's CA");
  cache_stats->add_option("--tls-cert", l3_opts.tls.certificate, "PEM certificate");
  cache_stats->add_option("--tls-key", l3_opts.tls.key, "PEM private key");
  auto* cache_verify = cache->add_subcommand("verify", "check every record's checksum");
  cache_verify->add_flag("--remove", cache_opts.remove_bad, "delete damaged records");
  auto* cache_clear = cache->add_subcommand("clear", "delete every record");
  auto* cache_gc = cache->add_subcommand("gc", "evict least recently used records");
  cache_gc->add_option("--max-bytes", gc_size, "size to shrink to (e.g. 500MB)")->required();

  troupe::cli::node_cli node_cli;
  troupe::cli::add_node_command(app, node_cli);

  auto* version = app.add_subcommand("version", "print the version");

  // Every subcommand passes options it does not know to its parent.
  for (auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    sub->fallthrough();
    for (auto* leaf : sub->get_subcommands([](const CLI::App*) { return true; }))
      leaf->fallthrough();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    bool usage_error = e.get_exit_code() != 0;
    if (usage_error && explain_parse_error(app, argc, argv)) {
      std::cerr << "Run 'troupe --help' for the commands, 'troupe COMMAND --help' for their "
                   "options.\n";
      return troupe::exit_usage;
    }
    auto code = app.exit(e);
    return code == 0 ? troupe::exit_ok : troupe::exit_usage;
  }
  if (verbose > 0 && app.count("--log-level") == 0)
    log_level = verbose > 1 ? "trace" : "debug";
  run_opts.log_level = log_level;
  run_opts.default_corpus = run->count("dir") == 0;
  if (*generate_opt)
    run_opts.generate = generate;
  run_opts.format = format == "text"    ? troupe::output_format::text
                    : format == "sarif" ? troupe::output_format::sarif
                                        : troupe::output_format::summary;
  if (*fail_under_opt)
    run_opts.fail_under = fail_under;

  for (auto& d : builtin_profile_dirs())
    profile_dirs.push_back(d);
  troupe::config::profile_loader loader{troupe::config::profile_search(profile_dirs)};

  if (*run) {
    run_opts.nodes = troupe::nodes::detail::make_run_nodes(run_nodes.options);
    return troupe::run_command(loader, run_opts);
  }
  if (*validate)
    return troupe::validate_command(loader, validate_file);
  if (*show)
    return troupe::config_show_command(loader, show_name);
  if (*diff)
    return troupe::config_diff_command(loader, diff_a, diff_b);
  if (*bench) {
    if (*threshold_opt)
      bench_opts.threshold = threshold_pct / 100;
    return troupe::scenarios::bench_command(bench_opts);
  }
  if (*cache) {
    cache_opts.action = *cache_verify ? troupe::cache_action::verify
                        : *cache_clear ? troupe::cache_action::clear
                        : *cache_gc    ? troupe::cache_action::gc
                                       : troupe::cache_action::stats;
    if (*cache_gc) {
      auto size = troupe::config::parse_size(gc_size);
      if (!size.value) {
        std::cerr << "troupe: error: --max-bytes " << gc_size << ": " << size.error << '\n';
        return troupe::exit_usage;
      }
      cache_opts.max_bytes = *size.value;
    }
    auto code = troupe::cache_command(cache_opts);
    if (*cache_stats && !l3_join.empty() && code == 0)
      return troupe::nodes::l3_stats_command(l3_join, l3_opts);
    return code;
  }
  if (*agents)
    return troupe::agents_command(dot);
  if (*node_cli.command)
    return troupe::cli::run_node_command(loader, node_cli);
  if (*version) {
    std::cout << "troupe " << TROUPE_VERSION << '\n';
    return troupe::exit_ok;
  }
  return troupe::exit_usage;
}
