#include "troupe/scenarios/cache_scenarios.hpp"

#include <filesystem>
#include <string>

#include "run_metrics.hpp"

namespace troupe::scenarios {

namespace {

constexpr const char* uncached_note =
  "cold starts from an empty cache folder and so also writes every record to the disk "
  "tier; no_cache is the same run with --no-cache, the cost of the work without any "
  "cache: the figures against it are the speedup over not caching at all.";

using command = std::vector<std::string>;

/// One of the benchmark's helper programs.
std::string tool(const scenario_inputs& in, const char* name) {
  return helper_program(in, name);
}

std::string scratch(const scenario_inputs& in, const std::string& name) {
  return in.scratch_dir + "/" + name;
}

/// `troupe run` of `corpus` with the cache folder `cache` ("" for
/// --no-cache), writing its report to scratch/`tag`/report.json.
command troupe_run(const scenario_inputs& in, const std::string& corpus,
                   const std::string& cache, const std::string& tag, bool run_memo = true) {
  command out{in.troupe_binary, "run", corpus, "--workers", std::to_string(in.workers),
              "--quiet", "--out", scratch(in, tag)};
  if (cache.empty())
    out.emplace_back("--no-cache");
  else
    out.insert(out.end(), {"--cache-dir", cache});
  if (!run_memo)
    out.emplace_back("--no-run-memo");
  return out;
}

/// Reads the figures of the report a `troupe_run(..., tag)` wrote.
std::function<metric_map(const std::string&)> report_of(const scenario_inputs& in,
                                                        const std::string& tag) {
  auto path = scratch(in, tag) + "/report.json";
  return [path](const std::string&) { return detail::report_metrics(path); };
}

variant_spec run_variant(const scenario_inputs& in, std::string name,
                         const std::string& corpus, const std::string& cache,
                         const std::string& tag, command prepare = {}, bool run_memo = true) {
  return {std::move(name), troupe_run(in, corpus, cache, tag, run_memo), std::move(prepare),
          false, report_of(in, tag)};
}

scenario_spec ast_parse(const scenario_inputs& in) {
  auto mode = [&](const char* m) {
    return command{tool(in, "troupe_stage_bench"), "--mode", m, "--corpus", in.corpus,
                   "--workers", "2"};
  };
  auto figures = [](const std::string& out) { return detail::stdout_metrics(out); };
  scenario_spec s;
  s.name = "ast_parse";
  s.description =
    "the parse-and-extract stage of every corpus file, in one process on 2 workers: "
    "served from the in-memory tier (L1, filled by a first run) vs with that tier empty; "
    "a sample is the summed per-file stage seconds (on a miss: cache lookup, decode, parse, "
    "extract, render the report entry, store; on a hit: the lookups, L1 handing out the "
    "symbols record decoded by the first run next to its bytes), process start-up, reading "
    "and digesting excluded since both variants pay them alike";
  s.baseline = "cold_l1";
  s.candidate = "warm_l1";
  s.seed_claim = 8;
  s.required = 100;
  s.notes = {
    "read_digest_floor is reading and digesting every file on one thread, which every run "
    "pays before it can form a cache key and which the stage figure excludes; analyse_s is "
    "the wall time of the whole analyse phase (stage work on 2 workers plus reading, "
    "digesting and dispatching), so cold/warm analyse_s is the end-to-end in-process "
    "speedup, bounded by that floor.",
    "l1_hit_p50_us/l1_hit_p99_us of warm_l1 are the L1 tier's lookup latency "
    "(tiered_cache statistics of the timed run, every file a hit).",
    "L1 keeps the decoded symbols record next to its bytes (tiered_cache::attach), so a hit "
    "in the same process decodes nothing; before that, decoding the records of 1654 files "
    "made the warm stage 0.05-0.09 s (64-109x)."};
  s.variants.push_back({s.baseline, mode("cold"), {}, true, figures});
  s.variants.push_back({s.candidate, mode("warm"), {}, true, figures});
  s.variants.push_back({"read_digest_floor", mode("floor"), {}, true, figures});
  return s;
}

scenario_spec cache_warm(const scenario_inputs& in) {
  auto edit = tool(in, "troupe_corpus_edit");
  auto cold_cache = scratch(in, "cache_warm-cold-cache");
  auto warm_cache = scratch(in, "cache_warm-warm-cache");
  scenario_spec s;
  s.name = "cache_warm";
  s.description = "a whole `troupe run` of the corpus (process wall time, " + std::to_string(in.workers)
                  + " workers) in a new process, nothing changed since the run that filled "
                    "the disk tier (L2): answered by the run memo (warm_l2) or, with "
                    "--no-run-memo, from every file's records (warm_records); vs an empty cache "
                    "folder (cleared before each sample); no_cache is --no-cache";
  s.baseline = "cold";
  s.candidate = "warm_l2";
  s.required = 20;
  s.also_against = {"no_cache"};
  s.notes = {uncached_note,
             "warm_l2 reads and digests every file, finds the run memo (one L2 record: "
             "report.json's content and the bodies of report.md and report.html, keyed by every "
             "file's path and content digest, every agent version and the result settings), "
             "checks the generated files and writes the reports; no task is dispatched. cold "
             "also renders and stores that memo.",
             "l2_hit_p50_us/l2_hit_p99_us of warm_records are the L2 tier's lookup latency: one "
             "sample per source file, the read, checksum and header check of the file's bundle "
             "(one L2 file holding every group-1 record of that content, page cache warm); "
             "l2_hits counts records. Its few L1 hits are files whose content another file "
             "already had."};
  s.variants.push_back(run_variant(in, s.baseline, in.corpus, cold_cache, "cache_warm-cold",
                                   {edit, "--clear", cold_cache}));
  // Filled into the same output folder: the memo is used only where the
  // generated files it lists are.
  auto fill = troupe_run(in, in.corpus, warm_cache, "cache_warm-warm");
  command prepare{edit, "--fill-if-empty", warm_cache, "--"};
  prepare.insert(prepare.end(), fill.begin(), fill.end());
  s.variants.push_back(
    run_variant(in, s.candidate, in.corpus, warm_cache, "cache_warm-warm", prepare));
  s.variants.push_back(run_variant(in, "warm_records", in.corpus, warm_cache,
                                   "cache_warm-records", prepare, false));
  s.variants.push_back(run_variant(in, "no_cache", in.corpus, "", "cache_warm-none"));
  return s;
}

/// A run of a private copy of the corpus after 10% of its files changed,
/// against a cold run of the same copy; `rotate` changes a different tenth
/// each sample instead of the same one.
scenario_spec changed_tenth(const scenario_inputs& in, const std::string& name, bool rotate) {
  auto edit = tool(in, "troupe_corpus_edit");
  auto copy = scratch(in, name + "-corpus");
  auto cold_cache = scratch(in, name + "-cold-cache");
  auto warm_cache = scratch(in, name + "-warm-cache");
  scenario_spec s;
  s.name = name;
  s.baseline = "cold";
  s.candidate = "changed_10pct";
  s.variants.push_back(run_variant(in, s.baseline, copy, cold_cache, name + "-cold",
                                   {edit, "--source", in.corpus, "--copy", copy, "--clear",
                                    cold_cache}));
  command prepare{edit, "--source", in.corpus, "--copy", copy, "--change-every", "10"};
  if (rotate)
    prepare.emplace_back("--rotate");
  auto fill = troupe_run(in, copy, warm_cache, name + "-fill");
  prepare.insert(prepare.end(), {"--fill-if-empty", warm_cache, "--"});
  prepare.insert(prepare.end(), fill.begin(), fill.end());
  s.variants.push_back(run_variant(in, s.candidate, copy, warm_cache, name + "-changed", prepare));
  s.variants.push_back(run_variant(in, "no_cache", copy, "", name + "-none",
                                   {edit, "--source", in.corpus, "--copy", copy}));
  s.also_against = {"no_cache"};
  return s;
}

scenario_spec incremental(const scenario_inputs& in) {
  auto s = changed_tenth(in, "incremental", false);
  s.description = "a whole `troupe run` (process wall time, " + std::to_string(in.workers)
                  + " workers) of a copy of the corpus after every 10th file in path order "
                    "got a new comment line (new content each sample; the cache holds the "
                    "previous version) vs a cold run of the same copy with an empty cache folder";
  s.max_cost_ratio = 0.15;
  s.notes = {uncached_note,
             "hit_rate of changed_10pct is the share of parsed files served from the cache "
             "(about 0.9; files whose content another unchanged file also has still hit)."};
  return s;
}

scenario_spec hit_rate_90(const scenario_inputs& in) {
  auto s = changed_tenth(in, "hit_rate_90", true);
  s.description = "the speedup of a whole `troupe run` (process wall time, "
                  + std::to_string(in.workers)
                  + " workers) at a 90% hit rate: before each sample a different tenth of the "
                    "files of a corpus copy changes (file i in path order when i mod 10 = the edit number mod 10), "
                    "so 90% of the records come from the disk tier; vs a cold run of the copy";
  s.seed_claim = 8;
  s.notes = {uncached_note,
             "hit_rate of changed_10pct is the measured share of parsed files served from "
             "the cache in each sample (median)."};
  return s;
}

} // namespace

std::vector<scenario_spec> cache_scenarios(const scenario_inputs& in) {
  return {ast_parse(in), cache_warm(in), incremental(in), hit_rate_90(in)};
}

} // namespace troupe::scenarios
