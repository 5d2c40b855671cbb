#include "troupe/actors/corpus/corpus.hpp"

#include <algorithm>

#include <stdexcept>
#include <utility>

#include "troupe/actors/agent_descriptor.hpp"
#include "troupe/actors/corpus/agents.hpp"

namespace troupe::corpus {

std::string module_name(const std::string& path, bool& is_package) {
  std::string stem = path;
  if (stem.size() >= 3 && stem.compare(stem.size() - 3, 3, ".py") == 0)
    stem.resize(stem.size() - 3);
  is_package = stem == "__init__"
               || (stem.size() > 9 && stem.compare(stem.size() - 9, 9, "/__init__") == 0);
  if (is_package)
    stem.resize(stem.size() >= 9 ? stem.size() - 9 : 0);
  for (auto& ch : stem)
    if (ch == '/')
      ch = '.';
  return stem;
}

void corpus_file::set_complexity(const actors::file_complexity& record) {
  complexity_figures.clear();
  complexity_figures.reserve(record.functions.size());
  for (const auto& fc : record.functions)
    complexity_figures.push_back(fc.complexity);
  function_complexity.assign(symbols->functions.size(), 0);
  actors::pair_complexity(record, *symbols,
                          [&](std::size_t i, const actors::function_view&,
                              const actors::function_complexity* entry) {
                            if (entry)
                              function_complexity[i] = entry->complexity;
                          });
}

void corpus_file::set_docstrings(const actors::file_docstrings& record) {
  auto lines = [](const std::vector<actors::docstring_entry>& entries) {
    std::vector<docstring_line> out;
    out.reserve(entries.size());
    for (const auto& e : entries)
      out.push_back({e.line, e.present});
    return out;
  };
  docstrings.classes = lines(record.classes);
  docstrings.functions = lines(record.functions);
  docstrings.documented = record.documented;
  docstrings.total = record.total;
}

void corpus::index_modules(const std::string& package) {
  by_module.clear();
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto& f = files[i];
    f.module = module_name(f.path, f.is_package);
    if (!package.empty())
      f.module = f.module.empty() ? package : package + "." + f.module;
    auto [it, inserted] = by_module.emplace(f.module, i);
    if (!inserted && f.is_package)
      it->second = i;
  }
}

double annotation_counts::coverage() const noexcept {
  auto all = params + returns;
  if (all == 0)
    return 1.0;
  return static_cast<double>(annotated_params + annotated_returns) / static_cast<double>(all);
}

namespace {

using run_fn = error (*)(const corpus&, corpus_results&, const corpus_context&);

/// A corpus agent whose work is one of the functions of agents.hpp.
class function_agent final : public corpus_agent {
public:
  function_agent(actors::agent_descriptor descriptor, run_fn fn)
    : descriptor_(std::move(descriptor)), fn_(fn) {
  }
  const actors::agent_descriptor& descriptor() const noexcept override {
    return descriptor_;
  }
  error run(const corpus& input, corpus_results& results,
            const corpus_context& context) const override {
    return fn_(input, results, context);
  }

private:
  actors::agent_descriptor descriptor_;
  run_fn fn_;
};

} // namespace

std::vector<std::shared_ptr<const corpus_agent>> builtin_corpus_agents() {
  // Descriptors (versions, edges) come from the one table of the registry.
  auto descriptors = actors::builtin_descriptors();
  const std::pair<const char*, run_fn> table[] = {
    {"import_graph", &run_import_graph},
    {"import_cycles", &run_import_cycles},
    {"unused_imports", &run_unused_imports},
    {"call_graph", &run_call_graph},
    {"dead_code", &run_dead_code},
    {"duplicates", &run_duplicates},
    {"hotspots", &run_hotspots},
    {"api_surface", &run_api_surface},
    {"type_coverage", &run_type_coverage},
    {"deps_lookup", &run_deps_lookup},
    {"codegen_tests", &run_codegen_tests},
    {"codegen_docs", &run_codegen_docs},
    {"refactor_suggestions", &run_refactor_suggestions},
    {"quality_score", &run_quality_score},
  };
  std::vector<std::shared_ptr<const corpus_agent>> out;
  for (const auto& [id, fn] : table) {
    auto d = std::find_if(descriptors.begin(), descriptors.end(),
                          [id = id](const actors::agent_descriptor& x) { return x.id == id; });
    if (d == descriptors.end())
      throw std::logic_error(std::string{"corpus agent not in the agent table: "} + id);
    out.push_back(std::make_shared<const function_agent>(*d, fn));
  }
  return out;
}

} // namespace troupe::corpus
