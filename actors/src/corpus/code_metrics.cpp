// `duplicates`, `hotspots`, `api_surface` and `type_coverage`: corpus views
// over the `symbols`, `complexity` and `size` records.
#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <string_view>
#include <unordered_set>

#include "troupe/actors/corpus/agents.hpp"

namespace troupe::corpus {

namespace {

/// Shortest function (def line to last body line) reported as a duplicate.
constexpr std::uint32_t duplicate_min_lines = 6;

std::uint32_t lines_of(const actors::function_view& f) {
  return f.end_line >= f.line ? f.end_line - f.line + 1 : 1;
}

bool is_private(std::string_view name) {
  return !name.empty() && name[0] == '_';
}

/// Whether a dotted module name has a private component (`_x`, `a._b`).
bool private_module(std::string_view module) {
  std::size_t start = 0;
  for (;;) {
    auto dot = module.find('.', start);
    // npos - start is still npos-sized: the rest of the name.
    auto part = module.substr(start, dot - start);
    if (is_private(part) && part != "__init__" && part != "__main__")
      return true;
    if (dot == std::string_view::npos)
      return false;
    start = dot + 1;
  }
}

} // namespace

error run_duplicates(const corpus& c, corpus_results& results, const corpus_context&) {
  std::unordered_map<std::uint64_t, std::vector<function_ref>> by_hash;
  for (std::size_t fi = 0; fi < c.files.size(); ++fi) {
    const auto& f = c.files[fi];
    for (std::size_t i = 0; i < f.symbols->functions.size(); ++i) {
      const auto& fn = f.symbols->functions[i];
      if (fn.body_hash != 0 && lines_of(fn) >= duplicate_min_lines)
        by_hash[fn.body_hash].push_back({fi, i});
    }
  }
  auto& groups = results.duplicates.groups;
  groups.clear();
  for (auto& [hash, members] : by_hash) {
    if (members.size() < 2)
      continue;
    std::sort(members.begin(), members.end(), [&](const auto& a, const auto& b) {
      return std::tie(c.files[a.file].path, a.function)
             < std::tie(c.files[b.file].path, b.function);
    });
    const auto& first = c.files[members[0].file].symbols->functions[members[0].function];
    groups.push_back({members, lines_of(first)});
  }
  std::sort(groups.begin(), groups.end(), [&](const auto& a, const auto& b) {
    if (a.lines != b.lines)
      return a.lines > b.lines;
    return std::tie(c.files[a.functions[0].file].path, a.functions[0].function)
           < std::tie(c.files[b.functions[0].file].path, b.functions[0].function);
  });
  return {};
}

error run_hotspots(const corpus& c, corpus_results& results, const corpus_context& ctx) {
  auto& out = results.hotspots;
  out = hotspots_result{};
  out.max_score.assign(c.files.size(), 0.0);
  std::vector<hotspot> all;
  for (std::size_t fi = 0; fi < c.files.size(); ++fi) {
    const auto& f = c.files[fi];
    // corpus_file::set_complexity paired the defs with their figures.
    for (std::size_t i = 0; i < f.function_complexity.size(); ++i) {
      auto complexity = f.function_complexity[i];
      if (complexity == 0)
        continue;
      const auto& fn = f.symbols->functions[i];
      hotspot h{{fi, i}, complexity, lines_of(fn), 0};
      h.score = static_cast<double>(h.complexity) * static_cast<double>(h.lines);
      out.max_score[fi] = std::max(out.max_score[fi], h.score);
      all.push_back(h);
    }
  }
  auto limit = std::min(ctx.hotspots_limit, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(limit), all.end(),
                    [&](const hotspot& a, const hotspot& b) {
                      if (a.score != b.score)
                        return a.score > b.score;
                      return std::tie(c.files[a.function.file].path, a.function.function)
                             < std::tie(c.files[b.function.file].path, b.function.function);
                    });
  all.resize(limit);
  out.items = std::move(all);
  return {};
}

error run_api_surface(const corpus& c, corpus_results& results, const corpus_context&) {
  auto& modules = results.api_surface.modules;
  modules.clear();
  for (std::size_t fi = 0; fi < c.files.size(); ++fi) {
    const auto& f = c.files[fi];
    if (!f.parsed || f.symbols->parse_errors > 0 || private_module(f.module))
      continue;
    const auto& s = *f.symbols;
    // Views of the symbols record's strings, which outlive this loop.
    std::unordered_set<std::string_view> exported(s.exports.begin(), s.exports.end());
    auto is_public = [&](std::string_view name) {
      return s.has_all ? exported.count(name) > 0 : !is_private(name);
    };
    module_api api{fi, {}, {}};
    std::unordered_set<std::string_view> public_classes;
    for (const auto& cl : s.classes) {
      if (cl.qualname != cl.name || !is_public(cl.name))
        continue;
      public_classes.insert(cl.name);
      auto& signature = api.class_signatures.emplace_back("(");
      for (std::size_t i = 0; i < cl.bases.size(); ++i)
        signature.append(i ? ", " : "").append(cl.bases[i]);
      signature += ")";
      api.entries.push_back({"class", cl.name, signature, cl.line, cl.has_docstring});
    }
    for (const auto& fn : s.functions) {
      if (fn.qualname == fn.name) {
        if (is_public(fn.name))
          api.entries.push_back({"function", fn.name, fn.signature, fn.line, fn.has_docstring});
        continue;
      }
      auto owner = std::string_view{fn.qualname}.substr(0, fn.qualname.rfind('.'));
      if (fn.is_method && public_classes.count(owner) && !is_private(fn.name))
        api.entries.push_back({"method", fn.qualname, fn.signature, fn.line, fn.has_docstring});
    }
    if (api.entries.empty())
      continue;
    std::sort(api.entries.begin(), api.entries.end(),
              [](const api_entry& a, const api_entry& b) { return a.line < b.line; });
    modules.push_back(std::move(api));
  }
  return {};
}

error run_type_coverage(const corpus& c, corpus_results& results, const corpus_context&) {
  auto& out = results.type_coverage;
  out = type_coverage_result{};
  out.per_file.resize(c.files.size());
  for (std::size_t fi = 0; fi < c.files.size(); ++fi) {
    auto& counts = out.per_file[fi];
    for (const auto& fn : c.files[fi].symbols->functions) {
      std::uint64_t params = fn.params.size();
      // The receiver of a method is not annotated by convention: an
      // unannotated `self` or `cls` is not counted.
      if (fn.is_method && !fn.params.empty() && (fn.params[0] == "self" || fn.params[0] == "cls")
          && !fn.first_param_annotated)
        --params;
      counts.params += params;
      counts.annotated_params += fn.annotated_params;
      ++counts.returns;
      counts.annotated_returns += fn.returns_annotated;
    }
    out.total.params += counts.params;
    out.total.annotated_params += counts.annotated_params;
    out.total.returns += counts.returns;
    out.total.annotated_returns += counts.annotated_returns;
  }
  return {};
}

} // namespace troupe::corpus
