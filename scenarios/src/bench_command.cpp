#include "troupe/scenarios/bench_command.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "troupe/runtime/exit_code.hpp"
#include "troupe/scenarios/bench_runner.hpp"
#include "troupe/scenarios/builtin_scenarios.hpp"

namespace troupe::scenarios {

namespace {

namespace fs = std::filesystem;

std::string self_executable() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string{} : p.string();
}

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream out{path, std::ios::trunc};
  return static_cast<bool>(out << text);
}

} // namespace

int bench_command(const bench_command_options& options) {
  scenario_inputs in;
  in.troupe_binary = self_executable();
  in.corpus = options.corpus;
  in.workers = options.workers ? options.workers : std::max(1u, std::thread::hardware_concurrency());
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) {
    std::cerr << "troupe: error: cannot create " << options.out_dir << ": " << ec.message()
              << '\n';
    return exit_usage;
  }
  in.scratch_dir = (fs::absolute(options.out_dir) / "scratch").string();
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
    chosen.push_back(*i);
  }
  if (chosen.empty())
    chosen = all;
  bench_options bo;
  bo.samples = options.samples > 0 ? options.samples : (options.quick ? 3 : 5);
  bo.log = &std::cerr;
  auto machine = describe_machine();
  std::vector<scenario_result> results;
  bool failed = false;
  for (const auto& spec : chosen) {
    results.push_back(run_scenario(spec, bo));
    if (!results.back().error.empty()) {
      std::cerr << "troupe: error: scenario " << spec.name << " failed: " << results.back().error
                << '\n';
      failed = true;
    }
  }
  auto md = to_bench_markdown(machine, results);
  std::cout << md;
  auto dir = fs::path{options.out_dir};
  if (!write_file(dir / "bench.json", to_bench_json(machine, results))
      || !write_file(dir / "bench.md", md)) {
    std::cerr << "troupe: error: cannot write results to " << options.out_dir << '\n';
    return exit_usage;
  }
  return failed ? exit_agents_failed : exit_ok;
}

} // namespace troupe::scenarios
