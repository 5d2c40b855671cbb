#include "troupe/runtime/graph_plan.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

namespace troupe {

namespace {

constexpr auto npos = static_cast<std::size_t>(-1);

void default_describe(task_spec& t, std::size_t shard) {
  t.name = t.agent();
  if (shard != npos)
    t.name += "[" + std::to_string(shard) + "]";
  t.cost = 0.001 * static_cast<double>(std::max<std::size_t>(1, t.items.size()));
  t.files = static_cast<std::uint32_t>(t.items.size());
}

} // namespace

task_graph plan_graph(const agent_registry& agents, std::size_t items,
                      const plan_options& options) {
  auto shards = options.shards;
  if (shards.empty())
    for (std::uint32_t i = 0; i < items; ++i)
      shards.push_back({i});
  const auto& describe = options.describe ? options.describe : default_describe;
  const auto& all = agents.agents();
  // Groups: per-item agents of one executor share tasks when each one's
  // dependencies are members or were registered before the group's first
  // member (whose position the group's tasks take, so the graph stays in
  // topological order); every other agent is a group of its own.
  std::vector<std::size_t> group_of(all.size());
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& d = all[i].descriptor;
    position[d.id] = i;
    std::size_t chosen = npos;
    if (d.scope == agent_scope::per_item) {
      for (std::size_t g = 0; g < groups.size() && chosen == npos; ++g) {
        const auto& head = all[groups[g].front()];
        if (head.descriptor.scope != agent_scope::per_item || head.executor != all[i].executor)
          continue;
        bool fits = std::all_of(d.depends_on.begin(), d.depends_on.end(), [&](const auto& dep) {
          auto p = position.at(dep);
          return p < groups[g].front() || group_of[p] == g;
        });
        if (fits)
          chosen = g;
      }
    }
    if (chosen == npos) {
      chosen = groups.size();
      groups.emplace_back();
    }
    groups[chosen].push_back(i);
    group_of[i] = chosen;
  }
  task_graph graph;
  std::vector<std::vector<std::size_t>> tasks_of_group(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& members = groups[g];
    const auto& head = all[members.front()];
    std::vector<std::string> ids;
    bool after_failures = false;
    for (auto i : members) {
      ids.push_back(all[i].descriptor.id);
      after_failures |= all[i].descriptor.after_failures;
    }
    auto deps_of = [&](std::size_t shard) {
      std::vector<std::size_t> deps;
      for (auto i : members) {
        for (const auto& d : all[i].descriptor.depends_on) {
          auto dg = group_of[position.at(d)];
          if (dg == g)
            continue; // within the group: the executor's own order
          const auto& dt = tasks_of_group[dg];
          if (shard != npos && all[position.at(d)].descriptor.scope == agent_scope::per_item)
            deps.push_back(dt[shard]);
          else
            deps.insert(deps.end(), dt.begin(), dt.end());
        }
      }
      std::sort(deps.begin(), deps.end());
      deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
      return deps;
    };
    auto make = [&](std::size_t shard) {
      task_spec t;
      t.agents = ids;
      if (shard != npos)
        t.items = shards[shard];
      t.depends_on = deps_of(shard);
      t.after_failures = after_failures;
      describe(t, shard);
      tasks_of_group[g].push_back(graph.add(std::move(t)));
    };
    if (head.descriptor.scope == agent_scope::per_item)
      for (std::size_t s = 0; s < shards.size(); ++s)
        make(s);
    else
      make(npos);
  }
  return graph;
}

std::vector<std::vector<std::size_t>> tasks_by_agent(const agent_registry& agents,
                                                     const task_graph& graph) {
  std::vector<std::vector<std::size_t>> out(agents.agents().size());
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < agents.agents().size(); ++i)
    index[agents.agents()[i].descriptor.id] = i;
  for (std::size_t t = 0; t < graph.size(); ++t)
    for (const auto& id : graph.tasks()[t].agents)
      if (auto it = index.find(id); it != index.end())
        out[it->second].push_back(t);
  return out;
}

std::vector<agent_summary> summarise_agents(const agent_registry& registry,
                                            const task_graph& graph, const graph_result& r) {
  std::vector<agent_summary> rows;
  const auto& agents = registry.agents();
  auto agent_tasks = tasks_by_agent(registry, graph);
  for (std::size_t a = 0; a < agents.size(); ++a) {
    agent_summary row;
    row.agent = agents[a].descriptor.id;
    const auto* tasks = &agent_tasks[a];
    if (!tasks || tasks->empty()) {
      row.status = task_status::skipped;
      row.error = {errc::skipped, "not part of this run"};
      rows.push_back(std::move(row));
      continue;
    }
    std::size_t done = 0, failed = 0, skipped = 0, cancelled = 0;
    for (auto t : *tasks) {
      if (t >= r.tasks.size())
        continue;
      const auto& o = r.tasks[t];
      ++row.tasks;
      row.attempts += o.attempts;
      switch (o.status) {
        case task_status::done: ++done; break;
        case task_status::failed: ++failed; break;
        case task_status::skipped: ++skipped; break;
        default: ++cancelled; break;
      }
      if (o.status != task_status::done && !row.error && o.error)
        row.error = o.error;
      for (const auto& w : o.agents) {
        if (w.agent != row.agent)
          continue;
        row.seconds += w.seconds;
        row.items += w.items;
        row.cache_hits += w.cache_hits;
        row.failures.insert(row.failures.end(), w.failures.begin(), w.failures.end());
      }
    }
    if (failed > 0 || !row.failures.empty()) {
      row.status = task_status::failed;
      if (!row.error && !row.failures.empty())
        row.error = {errc::agent_failed,
                     std::to_string(row.failures.size()) + " of " + std::to_string(row.items)
                       + " items failed; first: " + row.failures.front().error.message()};
    } else if (done == row.tasks) {
      row.status = task_status::done;
    } else if (skipped > 0) {
      row.status = task_status::skipped;
    } else {
      row.status = task_status::cancelled;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

} // namespace troupe
