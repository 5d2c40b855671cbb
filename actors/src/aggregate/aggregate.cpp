// `refactor_suggestions` and `quality_score`: the group-3 aggregations.
//
// Suggestion priorities (larger is more urgent):
//   split_function       complexity x lines / 100, for complexity >= 10 and
//                        at least 30 lines (hotspots only)
//   merge_duplicates     duplicated lines (lines x (copies - 1)) / 10
//   break_import_cycle   2 x modules in the cycle
//   remove_dead_code     1
//   remove_unused_import 0.5
//
// Quality score of a module, each component in [0, 100]:
//   complexity    share of its defs with McCabe complexity <= 10
//   documentation docstring coverage (module, classes, defs)
//   typing        share of parameters and returns annotated
//   findings      100 x max(0, 1 - suggestions per 100 code lines / 10)
//   score = 0.35 complexity + 0.25 documentation + 0.15 typing + 0.25 findings
// The overall score is the mean of module scores weighted by code lines.
#include <algorithm>
#include <tuple>

#include "troupe/actors/corpus/agents.hpp"

namespace troupe::corpus {

namespace {

constexpr std::uint32_t split_min_complexity = 10;
constexpr std::uint32_t split_min_lines = 30;

} // namespace

error run_refactor_suggestions(const corpus& c, corpus_results& results,
                                     const corpus_context&) {
  auto& items = results.suggestions.items;
  items.clear();
  for (const auto& h : results.hotspots.items) {
    if (h.complexity < split_min_complexity || h.lines < split_min_lines)
      continue;
    const auto& fn = c.files[h.function.file].symbols->functions[h.function.function];
    items.push_back({"split_function", h.function.file, fn.line, std::string{fn.qualname},
                     "complexity " + std::to_string(h.complexity) + " over "
                       + std::to_string(h.lines) + " lines",
                     h.score / 100.0});
  }
  for (const auto& g : results.duplicates.groups) {
    const auto& first = g.functions.front();
    const auto& fn = c.files[first.file].symbols->functions[first.function];
    std::string others;
    for (std::size_t i = 1; i < g.functions.size() && i <= 3; ++i) {
      const auto& o = g.functions[i];
      others.append(i > 1 ? ", " : "").append(c.files[o.file].path).append(":").append(
        c.files[o.file].symbols->functions[o.function].qualname);
    }
    if (g.functions.size() > 4)
      others += ", ...";
    items.push_back({"merge_duplicates", first.file, fn.line, std::string{fn.qualname},
                     std::to_string(g.functions.size()) + " functions with the same normalised "
                       + std::to_string(g.lines) + "-line body (also " + others + ")",
                     static_cast<double>(g.lines) * static_cast<double>(g.functions.size() - 1)
                       / 10.0});
  }
  for (const auto& cycle : results.import_cycles.cycles) {
    std::string members;
    for (std::size_t i = 0; i < cycle.size() && i < 5; ++i)
      members += (i ? ", " : "") + c.files[cycle[i]].module;
    if (cycle.size() > 5)
      members += ", ...";
    items.push_back({"break_import_cycle", cycle.front(), 1, c.files[cycle.front()].module,
                     std::to_string(cycle.size()) + " modules import each other: " + members,
                     2.0 * static_cast<double>(cycle.size())});
  }
  for (const auto& d : results.dead_code.items)
    items.push_back({"remove_dead_code", d.file, d.line, d.qualname,
                     d.kind + " is never referenced in the corpus", 1.0});
  for (const auto& u : results.unused_imports.items)
    items.push_back({"remove_unused_import", u.file, u.line, u.name,
                     "'" + u.name + "' imported but unused", 0.5});
  std::stable_sort(items.begin(), items.end(), [&](const suggestion& a, const suggestion& b) {
    if (a.priority != b.priority)
      return a.priority > b.priority;
    return std::tie(c.files[a.file].path, a.line) < std::tie(c.files[b.file].path, b.line);
  });
  return {};
}

error run_quality_score(const corpus& c, corpus_results& results, const corpus_context&) {
  auto& out = results.scores;
  out = scores_result{};
  std::vector<std::uint32_t> findings(c.files.size(), 0);
  for (const auto& s : results.suggestions.items)
    ++findings[s.file];
  double weighted = 0, weights = 0;
  for (std::size_t fi = 0; fi < c.files.size(); ++fi) {
    const auto& f = c.files[fi];
    if (!f.parsed)
      continue;
    module_score m;
    m.file = fi;
    if (!f.complexity_figures.empty()) {
      auto simple = std::count_if(f.complexity_figures.begin(), f.complexity_figures.end(),
                                  [](std::uint32_t complexity) { return complexity <= 10; });
      m.complexity = 100.0 * static_cast<double>(simple)
                     / static_cast<double>(f.complexity_figures.size());
    }
    m.documentation = 100.0 * f.docstrings.coverage();
    if (fi < results.type_coverage.per_file.size())
      m.typing = 100.0 * results.type_coverage.per_file[fi].coverage();
    double code = std::max<double>(1.0, f.size.code);
    double per_100 = 100.0 * findings[fi] / code;
    m.findings = 100.0 * std::max(0.0, 1.0 - per_100 / 10.0);
    m.score = 0.35 * m.complexity + 0.25 * m.documentation + 0.15 * m.typing + 0.25 * m.findings;
    weighted += m.score * code;
    weights += code;
    auto decile = std::min(9, static_cast<int>(m.score / 10.0));
    ++out.histogram[decile];
    out.modules.push_back(m);
  }
  out.overall = weights > 0 ? weighted / weights : 100.0;
  return {};
}

} // namespace troupe::corpus
