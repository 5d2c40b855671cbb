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
  /// Cores' worth of CPU time that one busy thread per logical CPU got in
  /// this process, measured at the start and at the end of the run: below
  /// logical_cpus when other work shares the machine (with the kernel's
  /// autogroup scheduling, other sessions get their share whatever their
  /// thread count). A parallel speedup cannot exceed it.
  double cores_available_start = 0;
  double cores_available_end = 0;
};

/// Reads /proc and uname for the running machine, and measures the cores
/// available now (cores_available_start).
machine_info describe_machine();

/// Runs one busy thread per logical CPU for `seconds` and returns the CPU
/// seconds they got per wall second.
double measure_cores_available(double seconds = 0.25);

} // namespace troupe::scenarios
