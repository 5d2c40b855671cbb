// File: the deterministic DAG shape the dispatch benchmarks run.
#pragma once

#include <cstddef>
#include <vector>

namespace troupe::scenarios {

/// The dependencies of every task of a layered DAG: `layers` layers of
/// `width` tasks, task i of layer l > 0 depending on `fan_in` distinct tasks
/// of layer l - 1 chosen by a fixed rule (no randomness, same graph on every
/// machine). Tasks are numbered layer by layer, so dependencies always come
/// first, as task_graph::add requires.
std::vector<std::vector<std::size_t>> layered_dag(std::size_t layers, std::size_t width,
                                                  std::size_t fan_in);

} // namespace troupe::scenarios
