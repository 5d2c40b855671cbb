#include "troupe/scenarios/bench_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "troupe/analysis/source_tree.hpp"
#include "troupe/base/exit_code.hpp"
#include "troupe/scenarios/bench_runner.hpp"
#include "troupe/scenarios/builtin_scenarios.hpp"
#include "troupe/scenarios/cluster_scenarios.hpp"

namespace troupe::scenarios {

namespace {

namespace fs = std::filesystem;

/// A quick run analyses every tenth file of the corpus (path order).
constexpr std::size_t quick_every = 10;

std::string self_executable() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string{} : p.string();
}

/// Writes `text` to `path` through a temporary file and a rename, so a
/// reader never sees half a report.
bool write_file(const fs::path& path, const std::string& text) {
  auto tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out{tmp, std::ios::trunc | std::ios::binary};
    if (!(out << text) || !out.flush())
      return false;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  return !ec;
}

std::string utc_now() {
  auto now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return stamp;
}

/// "" when a file can be created at `path` (its folder exists and is
/// writable), else why not.
std::string unwritable(const std::string& path) {
  auto dir = fs::path{path}.parent_path();
  if (dir.empty())
    dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return "folder " + dir.string() + " does not exist";
  if (::access(dir.c_str(), W_OK) != 0)
    return "folder " + dir.string() + " is not writable";
  if (fs::is_directory(path, ec))
    return path + " is a folder";
  return {};
}

/// Copies every `quick_every`-th file of `corpus` (path order) to `dest`,
/// unless `dest` already holds that selection; returns "" or an error.
std::string make_quick_corpus(const std::string& corpus, const std::string& dest) {
  source_tree tree;
  walk_options walk;
  walk.gitignore = false;
  if (auto err = walk_source_tree(corpus, walk, tree))
    return err.message();
  std::ostringstream selection;
  std::vector<const source_file*> chosen;
  for (std::size_t i = 0; i < tree.files.size(); i += quick_every) {
    chosen.push_back(&tree.files[i]);
    selection << tree.files[i].path << ' ' << tree.files[i].bytes << ' '
              << tree.files[i].mtime_ns << '\n';
  }
  auto stamp = fs::path{dest} / ".troupe-quick-selection";
  {
    std::ifstream in{stamp};
    std::stringstream old;
    old << in.rdbuf();
    if (in && old.str() == selection.str())
      return {};
  }
  std::error_code ec;
  fs::remove_all(dest, ec);
  for (const auto* f : chosen) {
    auto to = fs::path{dest} / f->path;
    fs::create_directories(to.parent_path(), ec);
    if (ec)
      return "cannot create " + to.parent_path().string() + ": " + ec.message();
    fs::copy_file(fs::path{tree.root} / f->path, to, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return "cannot copy " + f->path + ": " + ec.message();
  }
  if (!write_file(stamp, selection.str()))
    return "cannot write " + stamp.string();
  return {};
}

/// Where the peers of scripts/bench-setup are: $TROUPE_PEERS_DIR, else
/// `peers` next to the troupe binary (a build tree), else libexec.
std::string peers_dir(const std::string& troupe_binary) {
  if (const char* env = std::getenv("TROUPE_PEERS_DIR"); env && *env)
    return env;
  auto dir = fs::path{troupe_binary}.parent_path();
  std::error_code ec;
  if (fs::is_directory(dir / "peers", ec))
    return (dir / "peers").string();
  return (dir.parent_path() / "libexec" / "troupe" / "peers").string();
}

} // namespace

std::string scenario_help() {
  scenario_inputs in;
  in.troupe_binary = self_executable();
  in.corpus = "/usr/lib/python3.11";
  in.scratch_dir = "/tmp";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& s : builtin_scenarios(in))
    rows.emplace_back(s.name, s.summary);
  std::size_t width = 0;
  for (const auto& r : rows)
    width = std::max(width, r.first.size());
  std::string out = "Scenarios (--scenario NAME, repeatable; default: all, in this order):\n";
  for (const auto& [name, summary] : rows)
    out += "  " + name + std::string(width + 2 - name.size(), ' ') + summary + "\n";
  return out;
}

int run_bench(const std::vector<scenario_spec>& specs, const bench_command_options& options,
              bench_settings settings) {
  auto started = std::chrono::steady_clock::now();
  std::optional<std::vector<scenario_result>> before;
  if (!options.baseline.empty()) {
    auto loaded = load_bench_json(options.baseline);
    if (!loaded) {
      std::cerr << "troupe: error: " << loaded.error().message() << '\n';
      return exit_usage;
    }
    before = std::move(*loaded);
  }
  if (!options.save_baseline.empty())
    if (auto why = unwritable(options.save_baseline); !why.empty()) {
      std::cerr << "troupe: error: --save-baseline " << options.save_baseline << ": " << why
                << '\n';
      return exit_usage;
    }
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec || ::access(options.out_dir.c_str(), W_OK) != 0) {
    std::cerr << "troupe: error: --out " << options.out_dir << ": cannot write there"
              << (ec ? ": " + ec.message() : std::string{}) << '\n';
    return exit_usage;
  }
  bench_options bo;
  bo.samples = settings.samples;
  bo.warmups = settings.warmups;
  bo.judge_requirements = !settings.quick;
  bo.log = &std::cerr;
  bench_report report;
  report.machine = describe_machine();
  report.settings = std::move(settings);
  bool failed = false;
  for (const auto& spec : specs) {
    auto scenario_started = std::chrono::steady_clock::now();
    report.results.push_back(run_scenario(spec, bo));
    std::cerr << "bench " << spec.name << ": "
              << std::chrono::duration<double>(std::chrono::steady_clock::now()
                                               - scenario_started)
                   .count()
              << " s in all\n";
    if (!report.results.back().error.empty()) {
      std::cerr << "troupe: error: scenario " << spec.name
                << " failed: " << report.results.back().error << '\n';
      failed = true;
    }
  }
  report.machine.cores_available_end = measure_cores_available();
  report.settings.wall_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report.claims = claims_table(report.results, report.settings.workers);
  if (before) {
    report.baseline = compare_with_baseline(report.results, *before, options.threshold);
    report.baseline->path = options.baseline;
  }
  auto md = to_bench_markdown(report);
  std::cout << md;
  auto json = to_bench_json(report);
  auto dir = fs::path{options.out_dir};
  bool written = write_file(dir / "bench.json", json) && write_file(dir / "bench.md", md)
                 && write_file(dir / "bench.html", to_bench_html(report));
  if (!written) {
    std::cerr << "troupe: error: cannot write the reports to " << options.out_dir << '\n';
    return exit_agents_failed;
  }
  if (!options.save_baseline.empty() && !write_file(options.save_baseline, json)) {
    std::cerr << "troupe: error: cannot write the baseline " << options.save_baseline
              << " (the run's bench.json is in " << options.out_dir << ")\n";
    return exit_agents_failed;
  }
  if (failed)
    return exit_agents_failed;
  if (report.baseline && report.baseline->any_regression()) {
    std::cerr << "troupe: error: regression against " << options.baseline << ":";
    for (const auto& c : report.baseline->changes)
      if (c.kind == change_kind::regression)
        std::cerr << " " << c.scenario << " (" << c.figure << ")";
    std::cerr << '\n';
    return exit_regression;
  }
  return exit_ok;
}

int bench_command(const bench_command_options& options) {
  if (!(options.threshold > 0 && options.threshold < 1)) {
    std::cerr << "troupe: error: --threshold must be between 0 and 100 (percent)\n";
    return exit_usage;
  }
  scenario_inputs in;
  in.troupe_binary = self_executable();
  in.workers = options.workers ? options.workers : std::max(1u, std::thread::hardware_concurrency());
  in.quick = options.quick;
  in.peers_dir = peers_dir(in.troupe_binary);
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) {
    std::cerr << "troupe: error: cannot create " << options.out_dir << ": " << ec.message()
              << '\n';
    return exit_usage;
  }
  // A quick run's copies, caches and calibration are of the corpus sample:
  // kept apart from a full run's in the same output folder.
  in.scratch_dir =
    (fs::absolute(options.out_dir) / (options.quick ? "scratch-quick" : "scratch")).string();
  in.corpus = options.corpus;
  if (!fs::is_directory(options.corpus, ec)) {
    std::cerr << "troupe: error: --corpus " << options.corpus << ": not a folder\n";
    return exit_usage;
  }
  // The cache folders an earlier bench's runs left (troupe_cluster_bench
  // keeps them while it times, see there) go now, long before the runs of
  // this bench that create as many files.
  fs::remove_all(fs::path{in.scratch_dir} / "runs", ec);
  auto all = builtin_scenarios(in);
  std::vector<scenario_spec> chosen;
  for (const auto& name : options.scenarios) {
    auto i = std::find_if(all.begin(), all.end(), [&](auto& s) { return s.name == name; });
    if (i == all.end()) {
      std::cerr << "troupe: error: unknown scenario '" << name << "'; known:";
      for (auto& s : all)
        std::cerr << ' ' << s.name;
      std::cerr << '\n';
      return exit_usage;
    }
    if (std::none_of(chosen.begin(), chosen.end(), [&](auto& s) { return s.name == name; }))
      chosen.push_back(*i);
  }
  if (chosen.empty())
    chosen = all;
  bench_settings settings;
  settings.quick = options.quick;
  settings.samples = options.samples > 0 ? options.samples : (options.quick ? 3 : 5);
  settings.warmups = options.quick ? 0 : 1;
  settings.corpus = options.corpus;
  settings.corpus_used = options.corpus;
  settings.workers = in.workers;
  settings.started_at = utc_now();
  if (options.quick) {
    auto sample = in.scratch_dir + "/quick-corpus";
    if (auto err = make_quick_corpus(options.corpus, sample); !err.empty()) {
      std::cerr << "troupe: error: --corpus " << options.corpus << ": " << err << '\n';
      return exit_usage;
    }
    in.corpus = sample;
    settings.corpus_used = sample;
    settings.corpus_sample = "every " + std::to_string(quick_every) + "th file in path order";
    // The specs were built for the whole corpus: build them again.
    auto quick_all = builtin_scenarios(in);
    for (auto& s : chosen)
      for (auto& q : quick_all)
        if (q.name == s.name)
          s = q;
  }
  return run_bench(chosen, options, std::move(settings));
}

} // namespace troupe::scenarios
