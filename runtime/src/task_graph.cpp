#include "troupe/runtime/task_graph.hpp"

#include <algorithm>
#include <stdexcept>

namespace troupe {

const std::string& task_spec::agent() const noexcept {
  static const std::string none;
  return agents.empty() ? none : agents.front();
}

std::size_t task_graph::add(task_spec spec) {
  auto index = tasks_.size();
  if (spec.agents.empty())
    throw std::invalid_argument("task '" + spec.name + "' names no agent");
  for (auto dep : spec.depends_on)
    if (dep >= index)
      throw std::invalid_argument("task '" + spec.name + "' depends on task #"
                                  + std::to_string(dep) + ", which does not exist yet");
  for (auto dep : spec.depends_on)
    dependants_[dep].push_back(index);
  tasks_.push_back(std::move(spec));
  dependants_.emplace_back();
  return index;
}

std::vector<double> task_graph::upward_ranks() const {
  // Dependencies always precede their dependants in insertion order, so a
  // reverse sweep visits every dependant before the task itself.
  std::vector<double> rank(tasks_.size(), 0.0);
  for (auto i = tasks_.size(); i-- > 0;) {
    double longest = 0.0;
    for (auto d : dependants_[i])
      longest = std::max(longest, rank[d]);
    rank[i] = tasks_[i].cost + longest;
  }
  return rank;
}

double task_graph::critical_path() const {
  auto ranks = upward_ranks();
  return ranks.empty() ? 0.0 : *std::max_element(ranks.begin(), ranks.end());
}

} // namespace troupe
