// File: a graph run as Chrome trace-event JSON, for Perfetto or
// chrome://tracing: one track per worker, one slice per task.
//
// Usage:
//
//   auto labels = troupe::trace_labels_of(graph); // while the graph lives
//   troupe::graph_result r = rt.run(graph);
//   std::ofstream out{"run.json"};
//   troupe::write_chrome_trace(out, labels, r);
//
// The trace is written after the run from its graph_result, so tracing
// costs the run nothing. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "troupe/runtime/graph_result.hpp"
#include "troupe/runtime/task_graph.hpp"

namespace troupe {

/// What a trace shows of one task besides its timing.
struct trace_label {
  std::string name;
  std::string agent;
  /// Index of the task among the tasks of its agent (its shard number).
  std::size_t shard = 0;
  /// Input files the task covered.
  std::uint32_t files = 0;
  /// Cache lookups the task answered from a tier, and those that missed.
  std::uint64_t cache_hits = 0;
  std::uint64_t cache_misses = 0;
};

/// The labels of every task of `graph`, to keep after the graph is gone.
std::vector<trace_label> trace_labels_of(const task_graph& graph);

/// Whose run a trace shows.
struct trace_process {
  /// Process id in the trace (one per node).
  int pid = 1;
  std::string name = "troupe (local node)";
};

/// Writes `result` as a Chrome trace-event JSON object: "M" events naming
/// the process and one "worker N" track per worker, then one "X" slice per
/// task that ran (the last attempt; ts and dur in microseconds since the
/// run started). Tasks that never ran (skipped, cancelled) have no slice.
void write_chrome_trace(std::ostream& out, const std::vector<trace_label>& labels,
                        const graph_result& result, const trace_process& process = {});

} // namespace troupe
