#include "troupe/actors/agent_descriptor.hpp"

namespace troupe::actors {

std::vector<agent_descriptor> builtin_descriptors() {
  using s = agent_scope;
  // The table of DESIGN.md "The 23 agents"; order is topological.
  return {
    {"size", 1, s::per_item, {}, "lines: total, code, comment, blank, docstring"},
    {"symbols", 2, s::per_item, {}, "functions and classes with names, lines, parameters"},
    {"complexity", 1, s::per_item, {}, "McCabe complexity per function"},
    {"imports", 2, s::per_item, {}, "imports with module, names, level, line"},
    {"docstrings", 1, s::per_item, {}, "docstring presence and coverage"},
    {"todos", 1, s::per_item, {}, "TODO/FIXME/XXX/HACK comments"},
    {"security", 2, s::per_item, {}, "risky calls (bandit's rules)"},
    {"naming", 1, s::per_item, {}, "PEP 8 naming violations"},
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
     "report.json, report.md, report.html", /*after_failures=*/true},
  };
}

} // namespace troupe::actors
