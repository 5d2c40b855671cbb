// troupe_codegen_bench: the code generation agents (codegen_tests and
// codegen_docs) rendering the whole corpus's API surface from templates
// compiled once per run, or from templates parsed again for every file
// rendered (the `codegen` scenario).
//
//   troupe_codegen_bench --mode compiled|per_render --corpus DIR --cache-dir DIR
//                        [--reps 5] [--warmups 1] [--workers 2]
//
// First, untimed, an analysis of the corpus (with the cache folder, so
// that after the first process it is served from the disk tier) gives the
// API surface the agents render. Then each repetition runs both agents in
// memory (no output folder: nothing is written, every file is rendered).
// Prints one line per timed repetition, a line of figures and, last,
// `sample_s=X` (the median repetition), which `troupe bench` reads.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tool_args.hpp"
#include "troupe/actors/corpus/agents.hpp"
#include "troupe/analysis/analysis.hpp"
#include "troupe/runtime/runtime.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct bench_args {
  std::string mode;
  std::string corpus;
  std::string cache_dir;
  int reps = 5;
  int warmups = 1;
  unsigned workers = 2;
};

const troupe::scenarios::tools::tool_args cli{
  "troupe_codegen_bench",
  "--mode compiled|per_render --corpus DIR --cache-dir DIR [--reps N] [--warmups N] "
  "[--workers N]"};

bench_args parse(int argc, char** argv) {
  bench_args a;
  cli.parse(argc, argv, nullptr, [&](const std::string& key, const std::string& value) {
    if (key == "--mode")
      a.mode = value;
    else if (key == "--corpus")
      a.corpus = value;
    else if (key == "--cache-dir")
      a.cache_dir = value;
    else if (key == "--reps")
      a.reps = static_cast<int>(cli.whole(key, value, 1));
    else if (key == "--warmups")
      a.warmups = static_cast<int>(cli.whole(key, value, 0));
    else if (key == "--workers")
      a.workers = static_cast<unsigned>(cli.whole(key, value, 1));
    else
      return false;
    return true;
  });
  if (a.mode != "compiled" && a.mode != "per_render")
    cli.usage("--mode must be compiled or per_render");
  if (a.corpus.empty() || a.cache_dir.empty())
    cli.usage("--corpus and --cache-dir are required");
  return a;
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  troupe::runtime_options ro;
  ro.workers = a.workers;
  ro.cache_dir = a.cache_dir;
  ro.log_level = "error";
  troupe::runtime rt{ro};
  troupe::analysis_options ao;
  ao.root = a.corpus;
  ao.cache = rt.cache();
  // The run itself generates nothing: the timed part below does.
  ao.corpus_context.generate_tests = false;
  ao.corpus_context.generate_docs = false;
  troupe::analysis_result res;
  if (auto err = troupe::run_analysis(rt, ao, res))
    cli.fail(err.message());
  if (!res.graph.ok())
    cli.fail("the analysis had failed tasks");
  troupe::corpus::corpus_context ctx; // no output folder: render in memory
  ctx.compiled_templates = a.mode == "compiled";
  std::vector<double> runs;
  std::size_t files = 0;
  std::size_t entries = 0;
  for (int r = 0; r < a.warmups + a.reps; ++r) {
    auto t0 = clock_type::now();
    auto why = troupe::corpus::run_codegen_tests(res.corpus, res.corpus_results, ctx);
    if (!why)
      why = troupe::corpus::run_codegen_docs(res.corpus, res.corpus_results, ctx);
    auto s = std::chrono::duration<double>(clock_type::now() - t0).count();
    if (why)
      cli.fail(why.message());
    files = res.corpus_results.generated_tests.files.size()
            + res.corpus_results.generated_docs.files.size();
    entries = 0;
    for (const auto& f : res.corpus_results.generated_tests.files)
      entries += f.items;
    if (r >= a.warmups) {
      runs.push_back(s);
      std::printf("%s files=%zu run_s=%.6f\n", a.mode.c_str(), files, s);
    }
  }
  std::sort(runs.begin(), runs.end());
  auto n = runs.size();
  auto med = n % 2 ? runs[n / 2] : (runs[n / 2 - 1] + runs[n / 2]) / 2;
  std::printf("files_rendered=%zu test_entries=%zu cache_hits=%zu\n", files, entries,
              res.cache_hits());
  std::printf("sample_s=%.9f\n", med);
  return 0;
}
