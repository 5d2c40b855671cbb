// Test helper: a registry whose agent "t" runs, for each task, the body
// registered under the task's name (its payload), so a test writes a DAG of
// tasks as messages and still observes what each one did.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "troupe/runtime/agent_registry.hpp"
#include "troupe/runtime/task_graph.hpp"

namespace troupe::test {

class scripted_agents {
public:
  using body = std::function<expected<std::string>(const agent_input&)>;

  explicit scripted_agents(agent_scope scope = agent_scope::per_item) {
    auto err = registry.add({"t", 1, scope, {}, "runs the body named by the task"},
                            [this](const agent_input& in) -> expected<std::string> {
                              auto it = bodies_.find(std::string{in.payload});
                              if (it == bodies_.end() || !it->second)
                                return std::string{};
                              return it->second(in);
                            });
    if (err)
      throw std::logic_error(err.message());
  }

  /// Adds a task named `name` whose attempts run `fn` (nothing when empty).
  std::size_t add(task_graph& g, const std::string& name, double cost,
                  std::vector<std::size_t> deps, body fn = {}) {
    if (fn)
      bodies_[name] = std::move(fn);
    task_spec t;
    t.name = name;
    t.agents = {"t"};
    t.cost = cost;
    t.depends_on = std::move(deps);
    t.payload = name;
    return g.add(std::move(t));
  }

  /// A body that records nothing and succeeds.
  static expected<std::string> ok(const agent_input&) {
    return std::string{};
  }

  agent_registry registry;

private:
  std::map<std::string, body> bodies_;
};

} // namespace troupe::test
