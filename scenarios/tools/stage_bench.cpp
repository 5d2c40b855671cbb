// troupe_stage_bench: the parse-and-extract stage of an analysis served
// from the in-memory cache tier (warm) against the same stage with that tier
// empty (cold), both in one process, and the floor both pay regardless:
// reading and digesting every file.
//
//   troupe_stage_bench --mode cold|warm|floor [--corpus DIR] [--workers 2]
//                      [--sample stage|analyse]
//
// cold:  one uncached warm-up run (so parser, allocator and page cache are as
//        warm as in warm mode), then one timed run with an empty L1-only cache.
// warm:  one run fills an L1-only cache (no L2: nothing touches the disk),
//        then one timed run is served from it; exits 1 unless every parsed
//        file was an L1 hit.
// floor: reads and digests every file on this thread, as every run must
//        before it can form a cache key.
//
// Prints one line of `name=value` figures and, last, `sample_s=X`:
//   stage_s    summed per-file stage seconds (troupe's file_analysis::
//              stage_seconds): on a miss cache lookup, decode, parse, extract
//              and store; on a hit cache lookup and record decode. Reading
//              and digesting are excluded: both modes pay them alike.
//   analyse_s  wall seconds of the run's "analyse" phase: stage work over the
//              workers plus reading, digesting and dispatching.
// `--sample` picks which one is the sample (stage_s by default); floor mode
// prints the summed read+digest seconds as both.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "troupe/analysis/analysis.hpp"
#include "troupe/analysis/builtin_agents.hpp"
#include "troupe/analysis/source_tree.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/runtime/runtime.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct bench_args {
  std::string mode;
  std::string corpus = "/usr/lib/python3.11";
  unsigned workers = 2;
  std::string sample = "stage";
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "troupe_stage_bench: %s\nusage: troupe_stage_bench --mode cold|warm|floor "
               "[--corpus DIR] [--workers N] [--sample stage|analyse]\n",
               why.c_str());
  std::exit(2);
}

bench_args parse(int argc, char** argv) {
  bench_args a;
  for (int i = 1; i < argc; ++i) {
    std::string key = argv[i];
    if (i + 1 >= argc)
      usage("missing value for " + key);
    std::string value = argv[++i];
    if (key == "--mode")
      a.mode = value;
    else if (key == "--corpus")
      a.corpus = value;
    else if (key == "--workers")
      a.workers = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    else if (key == "--sample")
      a.sample = value;
    else
      usage("unknown option " + key);
  }
  if (a.mode != "cold" && a.mode != "warm" && a.mode != "floor")
    usage("--mode must be cold, warm or floor");
  if (a.sample != "stage" && a.sample != "analyse")
    usage("--sample must be stage or analyse");
  if (a.workers == 0)
    usage("--workers must be positive");
  return a;
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

std::shared_ptr<troupe::cache::tiered_cache> l1_only_cache() {
  return std::make_shared<troupe::cache::tiered_cache>(
    std::make_shared<troupe::cache::l1_store>(troupe::cache::l1_options{}), nullptr);
}

/// One analysis of the corpus; exits on failure.
troupe::analysis_result analyse(troupe::runtime& rt, const bench_args& a,
                                std::shared_ptr<troupe::cache::tiered_cache> cache) {
  troupe::analysis_options ao;
  ao.root = a.corpus;
  ao.cache = std::move(cache);
  // The stage of the `symbols` agent only: parsing and extraction.
  ao.agents = {};
  if (auto err = ao.agents.add(*troupe::builtin_agents().find("symbols"))) {
    std::fprintf(stderr, "troupe_stage_bench: %s\n", err.message().c_str());
    std::exit(1);
  }
  troupe::analysis_result res;
  if (auto err = troupe::run_analysis(rt, ao, res)) {
    std::fprintf(stderr, "troupe_stage_bench: %s\n", err.message().c_str());
    std::exit(1);
  }
  if (!res.graph.ok()) {
    std::fprintf(stderr, "troupe_stage_bench: the analysis had failed tasks\n");
    std::exit(1);
  }
  return res;
}

double phase_seconds(const troupe::analysis_result& res, const std::string& name) {
  for (const auto& [phase, seconds] : res.phases)
    if (phase == name)
      return seconds;
  return 0;
}

/// Summed seconds of reading and digesting every file, one after another.
int run_floor(const bench_args& a) {
  troupe::source_tree tree;
  if (auto err = troupe::walk_source_tree(a.corpus, tree)) {
    std::fprintf(stderr, "troupe_stage_bench: %s\n", err.message().c_str());
    return 1;
  }
  std::vector<char> buffer;
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0; // keeps the digests observable
  auto t0 = clock_type::now();
  for (const auto& f : tree.files) {
    int fd = ::open((tree.root + "/" + f.path).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      continue;
    if (buffer.size() < f.bytes + 1)
      buffer.resize(f.bytes + 1);
    std::size_t size = 0;
    for (ssize_t n; (n = ::read(fd, buffer.data() + size, buffer.size() - size)) > 0;)
      size += static_cast<std::size_t>(n);
    ::close(fd);
    bytes += size;
    checksum += troupe::cache::content_digest({buffer.data(), size}).hex().size();
  }
  auto s = seconds_since(t0);
  std::printf("mode=floor files=%zu bytes=%llu stage_s=%.6f analyse_s=%.6f digests=%llu\n",
              tree.files.size(), static_cast<unsigned long long>(bytes), s, s,
              static_cast<unsigned long long>(checksum / 32));
  std::printf("sample_s=%.9f\n", s);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  if (a.mode == "floor")
    return run_floor(a);
  troupe::runtime_options ro;
  ro.workers = a.workers;
  troupe::runtime rt{ro};
  auto cache = l1_only_cache();
  // Cold mode warms up uncached; warm mode's first run fills the cache.
  analyse(rt, a, a.mode == "warm" ? cache : nullptr);
  auto res = analyse(rt, a, cache);
  auto parsed = res.count(troupe::file_state::parsed);
  auto hits = res.cache_hits();
  if (a.mode == "warm" && hits < parsed) {
    std::fprintf(stderr, "troupe_stage_bench: warm run had %zu hits for %zu parsed files\n", hits,
                 parsed);
    return 1;
  }
  auto stage_s = res.stage_seconds();
  auto analyse_s = phase_seconds(res, "analyse");
  const auto& l1 = res.cache_stats.tiers[static_cast<std::size_t>(troupe::cache::cache_tier::l1)];
  auto us = [](const troupe::cache::latency_histogram& h, double q) {
    return static_cast<double>(h.quantile(q).count()) / 1000.0;
  };
  std::printf("mode=%s files=%zu parsed=%zu hits=%zu stage_s=%.6f analyse_s=%.6f", a.mode.c_str(),
              res.files.size(), parsed, hits, stage_s, analyse_s);
  if (l1.hit_latency.count() > 0)
    std::printf(" l1_hit_p50_us=%.3f l1_hit_p99_us=%.3f", us(l1.hit_latency, 0.5),
                us(l1.hit_latency, 0.99));
  std::printf("\nsample_s=%.9f\n", a.sample == "stage" ? stage_s : analyse_s);
  return 0;
}
