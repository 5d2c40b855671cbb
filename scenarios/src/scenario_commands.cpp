#include "scenario_commands.hpp"

#include <cstdlib>
#include <sstream>

#include <unistd.h>

#include "child_process.hpp"
#include "run_metrics.hpp"

namespace troupe::scenarios::detail {

std::string scratch(const scenario_inputs& in, const std::string& name) {
  return in.scratch_dir + "/" + name;
}

command troupe_run(const scenario_inputs& in, const std::string& corpus,
                   const std::string& cache, const std::string& tag, command extra) {
  command out{in.troupe_binary, "run",   corpus,          "--workers", std::to_string(in.workers),
              "--quiet",        "--out", scratch(in, tag)};
  if (cache.empty())
    out.emplace_back("--no-cache");
  else
    out.insert(out.end(), {"--cache-dir", cache});
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

std::function<metric_map(const std::string&)> report_of(const scenario_inputs& in,
                                                        const std::string& tag) {
  auto path = scratch(in, tag) + "/report.json";
  return [path](const std::string&) { return report_metrics(path); };
}

metric_map printed_figures(const std::string& stdout_text) {
  return stdout_metrics(stdout_text);
}

std::string one_after_another_profile(const scenario_inputs& in) {
  return helper_program(in, "bench/one_after_another.yaml");
}

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs{path ? path : "/usr/bin:/bin"};
  for (std::string dir; std::getline(dirs, dir, ':');) {
    auto candidate = (dir.empty() ? std::string{"."} : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

std::string probe_command(const command& program, const std::string& why) {
  if (program.empty() || ::access(program.front().c_str(), X_OK) != 0)
    return why;
  return run_child(program).exit_code == 0 ? std::string{} : why;
}

} // namespace troupe::scenarios::detail
