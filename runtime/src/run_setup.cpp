// What a run settles before its supervisor starts: each task's executor, and
// the lanes other nodes open for it.
#include <unordered_map>

#include <spdlog/logger.h>

#include "internal/run_setup.hpp"

namespace troupe::detail {

void resolve_executors(run_state& st) {
  const auto& tasks = st.graph->tasks();
  constexpr auto npos = static_cast<std::size_t>(-1);
  std::unordered_map<const agent_executor*, std::size_t> index;
  st.group_of.assign(tasks.size(), npos);
  st.task_errors.assign(tasks.size(), {});
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const agent_executor* executor = nullptr;
    std::string problem;
    for (const auto& id : tasks[t].agents) {
      const auto* def = st.registry->find(id);
      if (!def) {
        problem = "agent '" + id + "' is not registered";
        break;
      }
      if (executor && def->executor.get() != executor) {
        problem = "agents '" + tasks[t].agent() + "' and '" + id
                  + "' do not share an executor, so they cannot share a task";
        break;
      }
      executor = def->executor.get();
    }
    if (!problem.empty() || !executor) {
      st.task_errors[t] = {errc::invalid_graph, "task '" + tasks[t].name + "': " + problem};
      continue;
    }
    auto [it, added] = index.emplace(executor, st.groups.size());
    if (added)
      st.groups.push_back({executor, executor->per_slot(), {}});
    auto& agents = st.groups[it->second].agents;
    for (const auto& id : tasks[t].agents)
      if (std::find(agents.begin(), agents.end(), id) == agents.end())
        agents.push_back(id);
    st.group_of[t] = it->second;
  }
}

void open_remote_lanes(run_state& st, const supervisor_actor& supervisor,
                       const std::shared_ptr<spdlog::logger>& log) {
  const auto& nodes = st.options.nodes;
  if (nodes.empty())
    return;
  // Only per-item work goes to other nodes: the rest reads this process's
  // state (the decoded corpus, the report writer).
  std::vector<std::vector<std::string>> asked;
  std::vector<std::size_t> group_index;
  for (std::size_t g = 0; g < st.groups.size(); ++g)
    if (st.groups[g].per_slot) {
      asked.push_back(st.groups[g].agents);
      group_index.push_back(g);
    }
  auto next_slot = st.workers;
  st.result.nodes.push_back(node_outcome::local(st.workers));
  for (const auto& node : nodes) {
    node_outcome outcome;
    outcome.name = node->name();
    outcome.workers = node->workers();
    remote_share share;
    share.node = node;
    if (!asked.empty() && node->workers() > 0) {
      auto opened = node->open_lanes(st.id, asked, supervisor);
      if (!opened) {
        outcome.error = opened.error();
        log->warn("node {} lends no workers to this run: {}", node->name(),
                  opened.error().message());
      } else {
        share.lanes.resize(st.groups.size());
        for (std::size_t k = 0; k < asked.size() && k < opened->size(); ++k)
          if ((*opened)[k].size() == node->workers())
            share.lanes[group_index[k]] = std::move((*opened)[k]);
        share.first_slot = next_slot;
        next_slot += node->workers();
      }
    }
    if (share.lanes.empty())
      outcome.workers = 0;
    st.remotes.push_back(std::move(share));
    st.result.nodes.push_back(std::move(outcome));
  }
}

} // namespace troupe::detail
