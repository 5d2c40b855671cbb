// File: a description of the machine a benchmark ran on.
#pragma once

#include <cstdint>
#include <string>

namespace troupe::scenarios {

/// What a reader needs to judge a figure: processor, cores, memory, system.
struct machine_info {
  std::string cpu_model;
  std::uint32_t logical_cpus = 0;
  std::uint64_t memory_bytes = 0;
  std::string kernel;
  std::string compiler;
  std::string build_type;
  /// 1-minute load average when the benchmark started (others' load skews it).
  double load_average = 0;
};

/// Reads /proc and uname for the running machine.
machine_info describe_machine();

} // namespace troupe::scenarios
