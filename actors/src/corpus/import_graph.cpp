// `import_graph` and `import_cycles`: corpus modules resolved from the
// `imports` records, fan-in and fan-out, and the strongly connected
// components of the module graph (Tarjan, iterative).
#include <algorithm>
#include <set>
#include <utility>

#include "troupe/actors/corpus/agents.hpp"

namespace troupe::corpus {

namespace {

constexpr auto npos = static_cast<std::size_t>(-1);

std::size_t find_module(const corpus& c, const std::string& name) {
  auto it = c.by_module.find(name);
  return it == c.by_module.end() ? npos : it->second;
}

/// The longest dotted prefix of `name` (itself included) that is a corpus
/// module.
std::size_t longest_prefix(const corpus& c, std::string name) {
  for (;;) {
    if (auto i = find_module(c, name); i != npos)
      return i;
    auto dot = name.rfind('.');
    if (dot == std::string::npos)
      return npos;
    name.resize(dot);
  }
}

} // namespace

std::size_t resolve_import(const corpus& c, std::size_t from, const std::string& module,
                           std::uint32_t level, const std::string& name, std::string& external,
                           bool& escaped) {
  external.clear();
  escaped = false;
  std::string target;
  if (level == 0) {
    target = module;
  } else {
    const auto& f = c.files[from];
    // The package the import is relative to: the module itself for an
    // __init__.py, else its parent; every further dot goes one level up.
    std::string base = f.module;
    std::uint32_t up = f.is_package ? level - 1 : level;
    for (std::uint32_t i = 0; i < up; ++i) {
      auto dot = base.rfind('.');
      if (dot == std::string::npos) {
        if (base.empty()) {
          escaped = true;
          return npos;
        }
        base.clear();
      } else {
        base.resize(dot);
      }
    }
    target = base;
    if (!module.empty())
      target = target.empty() ? module : target + "." + module;
    if (target.empty()) { // `from . import x` at the top of the corpus
      if (name.empty() || name == "*")
        return npos;
      return find_module(c, name);
    }
  }
  if (!name.empty() && name != "*")
    if (auto i = find_module(c, target + "." + name); i != npos)
      return i;
  if (level > 0)
    return find_module(c, target);
  auto i = longest_prefix(c, target);
  if (i == npos && target != "__future__")
    external = target.substr(0, target.find('.'));
  return i;
}

error run_import_graph(const corpus& c, corpus_results& results, const corpus_context&) {
  auto& out = results.import_graph;
  out = import_graph_result{};
  auto n = c.files.size();
  out.fan_in.assign(n, 0);
  out.fan_out.assign(n, 0);
  std::set<std::pair<std::size_t, std::size_t>> seen;
  std::string external;
  for (std::size_t from = 0; from < n; ++from) {
    const auto& f = c.files[from];
    if (!f.parsed)
      continue;
    std::set<std::string> externals;
    auto add = [&](std::size_t to, std::uint32_t line) {
      ++out.resolved;
      if (to == from || !seen.emplace(from, to).second)
        return;
      out.edges.push_back({from, to, line});
      ++out.fan_out[from];
      ++out.fan_in[to];
    };
    for (const auto& imp : f.imports.imports) {
      bool escaped = false;
      if (!imp.from_import) {
        auto to = resolve_import(c, from, imp.module, 0, {}, external, escaped);
        if (to != npos)
          add(to, imp.line);
        else if (!external.empty())
          externals.insert(external);
        continue;
      }
      auto names = imp.names;
      if (names.empty())
        names.push_back({"*", {}});
      for (const auto& nm : names) {
        auto to = resolve_import(c, from, imp.module, imp.level, nm.name, external, escaped);
        if (to != npos)
          add(to, imp.line);
        else if (!external.empty())
          externals.insert(external);
        else if (escaped) {
          ++out.unresolved_relative;
          break;
        }
      }
    }
    for (const auto& e : externals)
      ++out.external[e];
  }
  return {};
}

error run_import_cycles(const corpus& c, corpus_results& results, const corpus_context&) {
  const auto& graph = results.import_graph;
  auto n = c.files.size();
  std::vector<std::vector<std::size_t>> adjacent(n);
  for (const auto& e : graph.edges)
    adjacent[e.from].push_back(e.to);
  // Iterative Tarjan: index, lowlink, an explicit call stack of (node, next
  // edge) and the component stack.
  constexpr auto unvisited = npos;
  std::vector<std::size_t> index(n, unvisited), low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<std::size_t> stack;
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  std::size_t counter = 0;
  auto& cycles = results.import_cycles.cycles;
  cycles.clear();
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != unvisited)
      continue;
    calls.emplace_back(root, 0);
    while (!calls.empty()) {
      auto& [v, next] = calls.back();
      if (next == 0 && index[v] == unvisited) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = 1;
      }
      if (next < adjacent[v].size()) {
        auto w = adjacent[v][next++];
        if (index[w] == unvisited)
          calls.emplace_back(w, 0);
        else if (on_stack[w])
          low[v] = std::min(low[v], index[w]);
        continue;
      }
      auto done = v;
      calls.pop_back();
      if (!calls.empty())
        low[calls.back().first] = std::min(low[calls.back().first], low[done]);
      if (low[done] != index[done])
        continue;
      std::vector<std::size_t> component;
      for (;;) {
        auto w = stack.back();
        stack.pop_back();
        on_stack[w] = 0;
        component.push_back(w);
        if (w == done)
          break;
      }
      if (component.size() >= 2) {
        std::sort(component.begin(), component.end(), [&](std::size_t a, std::size_t b) {
          return c.files[a].module < c.files[b].module;
        });
        cycles.push_back(std::move(component));
      }
    }
  }
  std::stable_sort(cycles.begin(), cycles.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return {};
}

} // namespace troupe::corpus
