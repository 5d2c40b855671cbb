#include "troupe/scenarios/cache_scenarios.hpp"

#include <filesystem>
#include <string>

#include "run_metrics.hpp"
#include "scenario_commands.hpp"

namespace troupe::scenarios {

namespace {

constexpr const char* uncached_note =
  "cold starts from an empty cache folder and so also writes every record to the disk "
  "tier; no_cache is the same run with --no-cache, the cost of the work without any "
  "cache: the figures against it are the speedup over not caching at all.";

using detail::command;
using detail::report_of;
using detail::scratch;

/// One of the benchmark's helper programs.
std::string tool(const scenario_inputs& in, const char* name) {
  return helper_program(in, name);
}

/// `troupe run` of `corpus` with the cache folder `cache` ("" for
/// --no-cache), writing its report to scratch/`tag`/report.json.
command troupe_run(const scenario_inputs& in, const std::string& corpus,
                   const std::string& cache, const std::string& tag, bool run_memo = true) {
  return detail::troupe_run(in, corpus, cache, tag,
                            run_memo ? command{} : command{"--no-run-memo"});
}

variant_spec run_variant(const scenario_inputs& in, std::string name,
                         const std::string& corpus, const std::string& cache,
                         const std::string& tag, std::string what, command prepare = {},
                         bool run_memo = true) {
  variant_spec v{std::move(name), troupe_run(in, corpus, cache, tag, run_memo),
                 std::move(prepare), false, report_of(in, tag)};
  v.what = std::move(what);
  return v;
}

scenario_spec ast_parse(const scenario_inputs& in) {
  auto mode = [&](const char* m) {
    return command{tool(in, "troupe_stage_bench"), "--mode", m, "--corpus", in.corpus,
                   "--workers", "2"};
  };
  auto figures = [](const std::string& out) { return detail::stdout_metrics(out); };
  scenario_spec s;
  s.name = "ast_parse";
  s.summary = "the symbols agent's parse-and-extract stage served from L1 vs cold, in one "
              "process (reading and digesting excluded)";
  s.description =
    "the parse-and-extract stage of every corpus file, in one process on 2 workers: "
    "served from the in-memory tier (L1, filled by a first run) vs with that tier empty; "
    "a sample is the summed per-file stage seconds (on a miss: cache lookup, decode, parse, "
    "extract, render the report entry, store; on a hit: the lookups, L1 handing out the "
    "symbols record decoded by the first run next to its bytes), process start-up, reading "
    "and digesting excluded since both variants pay them alike";
  s.baseline = "symbols_stage_cold";
  s.candidate = "symbols_stage_l1_hit";
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
  s.variants.back().what = "only the symbols agent (parse and extract) on every file, L1 "
                           "empty; summed per-file stage seconds, reading and digesting "
                           "excluded";
  s.variants.push_back({s.candidate, mode("warm"), {}, true, figures});
  s.variants.back().what = "the same stage with every file's symbols record in L1 (a first "
                           "run filled it): lookups only; reading and digesting excluded";
  s.variants.push_back({"read_digest_floor", mode("floor"), {}, true, figures});
  s.variants.back().what = "reading and digesting every file on one thread, which every "
                           "run pays before it can form a cache key";
  // Every sample's process makes its own untimed warm-up or filling run
  // first: no further warm-up processes.
  for (auto& v : s.variants)
    v.warm_up = false;
  return s;
}

scenario_spec cache_warm(const scenario_inputs& in) {
  auto edit = tool(in, "troupe_corpus_edit");
  auto cold_cache = scratch(in, "cache_warm-cold-cache");
  auto warm_cache = scratch(in, "cache_warm-warm-cache");
  scenario_spec s;
  s.name = "cache_warm";
  s.summary = "a whole troupe run in a new process with nothing changed: answered by the run "
              "memo, or from every file's L2 records, vs cold";
  s.description = "a whole `troupe run` of the corpus (process wall time, " + std::to_string(in.workers)
                  + " workers) in a new process, nothing changed since the run that filled "
                    "the disk tier (L2): answered by the run memo (run_memo_hit) or, with "
                    "--no-run-memo, from every file's records (l2_records_hit); vs an empty cache "
                    "folder (cleared before each sample)";
  s.baseline = "cold";
  s.candidate = "run_memo_hit";
  s.required = 20;
  s.notes = {"cold starts from an empty cache folder and so also writes every record to "
             "the disk tier; incremental compares the same kind of runs with --no-cache.",
             "run_memo_hit reads and digests every file, finds the run memo (one L2 record: "
             "report.json's content and the bodies of report.md and report.html, keyed by every "
             "file's path and content digest, every agent version and the result settings), "
             "checks the generated files and writes the reports; no task is dispatched. cold "
             "also renders and stores that memo.",
             "l2_hit_p50_us/l2_hit_p99_us of l2_records_hit are the L2 tier's lookup latency: one "
             "sample per source file, the read, checksum and header check of the file's bundle "
             "(one L2 file holding every group-1 record of that content, page cache warm); "
             "l2_hits counts records. Its few L1 hits are files whose content another file "
             "already had."};
  s.variants.push_back(run_variant(in, s.baseline, in.corpus, cold_cache, "cache_warm-cold",
                                   "a whole troupe run process with an empty cache folder "
                                   "(it also writes every record to L2)",
                                   {edit, "--clear", cold_cache}));
  // Filled into the same output folder: the memo is used only where the
  // generated files it lists are.
  auto fill = troupe_run(in, in.corpus, warm_cache, "cache_warm-warm");
  command prepare{edit, "--fill-if-empty", warm_cache, "--"};
  prepare.insert(prepare.end(), fill.begin(), fill.end());
  s.variants.push_back(run_variant(in, s.candidate, in.corpus, warm_cache, "cache_warm-warm",
                                   "a whole troupe run process answered by the run memo: "
                                   "every file read and digested, one L2 record, the reports "
                                   "written; no task dispatched",
                                   prepare));
  s.variants.push_back(run_variant(in, "l2_records_hit", in.corpus, warm_cache,
                                   "cache_warm-records",
                                   "a whole troupe run process with --no-run-memo: every "
                                   "file's records from L2, corpus agents and reports run",
                                   prepare, false));
  return s;
}

/// A run of a private copy of the corpus after 10% of its files changed,
/// against a cold run of the same copy; `rotate` changes a different tenth
/// each sample instead of the same one.
scenario_spec changed_tenth(const scenario_inputs& in, const std::string& name, bool rotate,
                            bool with_no_cache) {
  auto edit = tool(in, "troupe_corpus_edit");
  auto copy = scratch(in, name + "-corpus");
  auto cold_cache = scratch(in, name + "-cold-cache");
  auto warm_cache = scratch(in, name + "-warm-cache");
  scenario_spec s;
  s.name = name;
  s.baseline = "cold";
  s.candidate = "changed_10pct";
  s.variants.push_back(run_variant(in, s.baseline, copy, cold_cache, name + "-cold",
                                   "a whole troupe run process of the corpus copy with an "
                                   "empty cache folder",
                                   {edit, "--source", in.corpus, "--copy", copy, "--clear",
                                    cold_cache}));
  command prepare{edit, "--source", in.corpus, "--copy", copy, "--change-every", "10"};
  if (rotate)
    prepare.emplace_back("--rotate");
  auto fill = troupe_run(in, copy, warm_cache, name + "-fill");
  prepare.insert(prepare.end(), {"--fill-if-empty", warm_cache, "--"});
  prepare.insert(prepare.end(), fill.begin(), fill.end());
  s.variants.push_back(run_variant(in, s.candidate, copy, warm_cache, name + "-changed",
                                   std::string{"a whole troupe run process of the copy after "}
                                     + (rotate ? "a different" : "the same")
                                     + " tenth of its files changed; the cache holds the "
                                       "previous version",
                                   prepare));
  if (!with_no_cache)
    return s;
  s.variants.push_back(run_variant(in, "no_cache", copy, "", name + "-none",
                                   "a whole troupe run process of the copy with --no-cache",
                                   {edit, "--source", in.corpus, "--copy", copy}));
  if (in.quick)
    s.variants.back().unavailable = detail::left_out_of_quick;
  s.also_against = {"no_cache"};
  return s;
}

scenario_spec incremental(const scenario_inputs& in) {
  auto s = changed_tenth(in, "incremental", false, true);
  s.summary = "a whole troupe run after 10% of the files changed vs cold (required <= 15%)";
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
  // Against no_cache only in incremental: the same comparison, and a full
  // suite within its 20 minutes.
  auto s = changed_tenth(in, "hit_rate_90", true, false);
  s.summary = "a whole troupe run with a rotating 10% of the files changed (a 90% hit rate) "
              "vs cold: the claimed 8x";
  s.description = "the speedup of a whole `troupe run` (process wall time, "
                  + std::to_string(in.workers)
                  + " workers) at a 90% hit rate: before each sample a different tenth of the "
                    "files of a corpus copy changes (file i in path order when i mod 10 = the edit number mod 10), "
                    "so 90% of the records come from the disk tier; vs a cold run of the copy";
  s.seed_claim = 8;
  s.notes = {"cold starts from an empty cache folder and so also writes every record to "
             "the disk tier; incremental compares the same runs with --no-cache.",
             "hit_rate of changed_10pct is the measured share of parsed files served from "
             "the cache in each sample (median)."};
  return s;
}

} // namespace

std::vector<scenario_spec> cache_scenarios(const scenario_inputs& in) {
  return {ast_parse(in), cache_warm(in), incremental(in), hit_rate_90(in)};
}

} // namespace troupe::scenarios
