#include "troupe/scenarios/builtin_scenarios.hpp"

namespace troupe::scenarios {

namespace {

std::vector<std::string> troupe_run(const scenario_inputs& in, const std::string& tag,
                                    unsigned workers) {
  return {in.troupe_binary, "run",  in.corpus,  "--workers", std::to_string(workers),
          "--quiet",        "--out", in.scratch_dir + "/" + tag};
}

/// The original report claimed 7.5x for multi-file analysis; on a machine
/// with W cores the ceiling is W, so this scenario shows how close the
/// worker pool gets to linear scaling.
scenario_spec multi_file(const scenario_inputs& in) {
  scenario_spec s;
  s.name = "multi_file";
  s.description = "parse and extract every file of the corpus: 1 worker vs "
                  + std::to_string(in.workers) + " workers (whole troupe run process)";
  s.baseline = "workers=1";
  s.candidate = "workers=" + std::to_string(in.workers);
  s.seed_claim = 7.5;
  s.required = in.workers >= 2 ? 1.8 : 0;
  s.variants.push_back({s.baseline, troupe_run(in, "multi_file_w1", 1), {}});
  s.variants.push_back({s.candidate, troupe_run(in, "multi_file_wn", in.workers), {}});
  return s;
}

} // namespace

std::vector<scenario_spec> builtin_scenarios(const scenario_inputs& in) {
  return {multi_file(in)};
}

} // namespace troupe::scenarios
