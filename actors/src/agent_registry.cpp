#include "troupe/actors/agent_registry.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace troupe::actors {

std::string agent_registry::add(agent_descriptor agent) {
  if (agent.id.empty())
    return "an agent needs a non-empty id";
  if (find(agent.id))
    return "agent '" + agent.id + "' is already registered";
  for (const auto& dep : agent.depends_on)
    if (!find(dep))
      return "agent '" + agent.id + "' depends on '" + dep + "', which is not registered";
  agents_.push_back(std::move(agent));
  return {};
}

const agent_descriptor* agent_registry::find(const std::string& id) const noexcept {
  auto i = std::find_if(agents_.begin(), agents_.end(),
                        [&](const agent_descriptor& a) { return a.id == id; });
  return i == agents_.end() ? nullptr : &*i;
}

std::string agent_registry::to_dot() const {
  std::ostringstream out;
  out << "digraph troupe_agents {\n  rankdir=LR;\n  node [shape=box];\n";
  for (auto scope : {agent_scope::per_file, agent_scope::corpus, agent_scope::aggregate}) {
    out << "  subgraph cluster_group" << static_cast<int>(scope) << " {\n    label=\"group "
        << static_cast<int>(scope) << "\";\n";
    for (const auto& a : agents_)
      if (a.scope == scope)
        out << "    \"" << a.id << "\" [tooltip=\"" << a.summary << "\"];\n";
    out << "  }\n";
  }
  for (const auto& a : agents_)
    for (const auto& dep : a.depends_on)
      out << "  \"" << dep << "\" -> \"" << a.id << "\";\n";
  out << "}\n";
  return out.str();
}

agent_registry builtin_agents() {
  using s = agent_scope;
  // The table of DESIGN.md "The 23 agents"; order is topological.
  const agent_descriptor table[] = {
    {"size", 1, s::per_file, {}, "lines: total, code, comment, blank, docstring"},
    {"symbols", 1, s::per_file, {}, "functions and classes with names, lines, parameters"},
    {"complexity", 1, s::per_file, {}, "McCabe complexity per function"},
    {"imports", 2, s::per_file, {}, "imports with module, names, level, line"},
    {"docstrings", 1, s::per_file, {}, "docstring presence and coverage"},
    {"todos", 1, s::per_file, {}, "TODO/FIXME/XXX/HACK comments"},
    {"security", 2, s::per_file, {}, "risky calls (bandit's rules)"},
    {"naming", 1, s::per_file, {}, "PEP 8 naming violations"},
    {"import_graph", 1, s::corpus, {"imports"}, "corpus modules resolved, fan-in, fan-out"},
    {"import_cycles", 1, s::corpus, {"import_graph"}, "import cycles (SCCs of size >= 2)"},
    {"unused_imports", 2, s::corpus, {"imports", "symbols"}, "imported names never used"},
    {"call_graph", 1, s::corpus, {"symbols", "imports", "import_graph"}, "calls resolved"},
    {"dead_code", 1, s::corpus, {"call_graph", "symbols"}, "never referenced definitions"},
    {"duplicates", 1, s::corpus, {"symbols"}, "functions with equal normalized bodies"},
    {"hotspots", 1, s::corpus, {"complexity", "size", "symbols"}, "complexity x length"},
    {"api_surface", 1, s::corpus, {"symbols", "imports"}, "public API per module"},
    {"type_coverage", 1, s::corpus, {"symbols"}, "share of annotated params and returns"},
    {"deps_lookup", 1, s::corpus, {"import_graph"}, "third-party imports in a package index"},
    {"codegen_tests", 1, s::aggregate, {"api_surface"}, "pytest skeletons"},
    {"codegen_docs", 1, s::aggregate, {"api_surface", "docstrings"}, "Markdown API reference"},
    {"refactor_suggestions", 1, s::aggregate,
     {"hotspots", "duplicates", "dead_code", "import_cycles", "unused_imports"},
     "ranked suggestions"},
    {"quality_score", 1, s::aggregate,
     {"hotspots", "type_coverage", "docstrings", "refactor_suggestions"}, "score 0-100"},
    {"report", 1, s::aggregate,
     {"size", "symbols", "complexity", "imports", "docstrings", "todos", "security", "naming",
      "import_graph", "import_cycles", "unused_imports", "call_graph", "dead_code",
      "duplicates", "hotspots", "api_surface", "type_coverage", "deps_lookup",
      "codegen_tests", "codegen_docs", "refactor_suggestions", "quality_score"},
     "report.json, report.md, report.html"},
  };
  agent_registry reg;
  for (const auto& a : table) {
    auto err = reg.add(a);
    if (!err.empty())
      throw std::logic_error("built-in agent table: " + err);
  }
  return reg;
}

} // namespace troupe::actors
