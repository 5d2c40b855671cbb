// `call_graph` and `dead_code`: calls resolved to corpus functions through
// each module's own definitions and import bindings; definitions nothing
// in the corpus refers to.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "troupe/actors/corpus/agents.hpp"

namespace troupe::corpus {

namespace {

constexpr auto npos = static_cast<std::size_t>(-1);

/// What a name bound by an import refers to: a corpus module, or a name
/// inside one (`from m import f`).
struct binding_target {
  std::size_t file = npos;
  std::string_view member; // empty: the module itself
};

/// Definitions of one file by qualified name. The keys view the corpus's
/// own strings, which outlive the agent's run: no copies.
struct file_index {
  std::unordered_map<std::string_view, std::size_t> functions; // qualname -> index
  std::unordered_set<std::string_view> classes;                // qualnames
  std::unordered_map<std::string_view, binding_target> bindings;
};

file_index index_file(const corpus& c, std::size_t fi) {
  file_index ix;
  const auto& f = c.files[fi];
  ix.functions.reserve(f.symbols->functions.size());
  ix.classes.reserve(f.symbols->classes.size());
  for (std::size_t i = 0; i < f.symbols->functions.size(); ++i)
    ix.functions.emplace(f.symbols->functions[i].qualname, i);
  for (const auto& cl : f.symbols->classes)
    ix.classes.insert(cl.qualname);
  std::string external;
  bool escaped = false;
  for (const auto& imp : f.imports.imports) {
    if (!imp.from_import) {
      if (!imp.alias.empty()) {
        auto to = resolve_import(c, fi, imp.module, 0, {}, external, escaped);
        if (to != npos && c.files[to].module == imp.module)
          ix.bindings[imp.alias] = {to, {}};
      } else {
        auto head = std::string_view{imp.module}.substr(0, imp.module.find('.'));
        auto it = c.by_module.find(std::string{head});
        if (it != c.by_module.end())
          ix.bindings[head] = {it->second, {}};
      }
      continue;
    }
    for (const auto& nm : imp.names) {
      if (nm.name == "*")
        continue;
      auto to = resolve_import(c, fi, imp.module, imp.level, nm.name, external, escaped);
      if (to == npos)
        continue;
      std::string_view bound = nm.alias.empty() ? nm.name : nm.alias;
      const auto& target = c.files[to];
      // `from pkg import sub` names a submodule; else a member of `to`.
      bool submodule = target.module.size() > nm.name.size()
                       && target.module.compare(target.module.size() - nm.name.size(),
                                                nm.name.size(), nm.name)
                            == 0
                       && target.module[target.module.size() - nm.name.size() - 1] == '.';
      ix.bindings[bound] =
        submodule ? binding_target{to, {}} : binding_target{to, std::string_view{nm.name}};
    }
  }
  return ix;
}

/// Looks `path` (`f`, `C`, `C.m`) up among the top-level definitions of a
/// file; a class resolves to its `__init__` when it has one. `scratch` is
/// any buffer (reused: a corpus has hundreds of thousands of calls).
std::size_t lookup(const file_index& ix, std::string_view path, std::string& scratch) {
  if (auto it = ix.functions.find(path); it != ix.functions.end())
    return it->second;
  if (ix.classes.count(path)) {
    scratch.assign(path);
    scratch += ".__init__";
    if (auto it = ix.functions.find(scratch); it != ix.functions.end())
      return it->second;
  }
  return npos;
}

} // namespace

error run_call_graph(const corpus& c, corpus_results& results, const corpus_context&) {
  auto& out = results.call_graph;
  out = call_graph_result{};
  std::vector<file_index> indexes(c.files.size());
  for (std::size_t fi = 0; fi < c.files.size(); ++fi)
    if (c.files[fi].parsed)
      indexes[fi] = index_file(c, fi);

  // Resolves one callee text seen in file `fi`, from def `caller` (npos:
  // module level). Names are built in reused buffers.
  std::string name, path, scratch;
  auto resolve = [&](std::size_t fi, std::size_t caller, std::string_view callee) -> function_ref {
    const auto& f = c.files[fi];
    const auto& ix = indexes[fi];
    std::string_view text = callee;
    auto dot = text.find('.');
    auto head = text.substr(0, dot);
    auto rest = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if ((head == "self" || head == "cls") && caller != npos && !rest.empty()
        && rest.find('.') == std::string_view::npos) {
      std::string_view q = f.symbols->functions[caller].qualname;
      name.assign(q.substr(0, q.rfind('.')));
      name += '.';
      name += rest;
      if (auto i = lookup(ix, name, scratch); i != npos)
        return {fi, i};
      return {npos, npos};
    }
    if (auto i = lookup(ix, callee, scratch); i != npos)
      return {fi, i};
    auto b = ix.bindings.find(head);
    if (b == ix.bindings.end())
      return {npos, npos};
    auto target = b->second.file;
    path.assign(b->second.member);
    if (!rest.empty()) {
      if (!path.empty())
        path += '.';
      path += rest;
    }
    // Walk down submodules: `pkg.sub.f` through `import pkg`.
    std::string_view left = path;
    while (!left.empty()) {
      auto d = left.find('.');
      if (d == std::string_view::npos)
        break;
      name.assign(c.files[target].module);
      name += '.';
      name += left.substr(0, d);
      auto sub = c.by_module.find(name);
      if (sub == c.by_module.end())
        break;
      target = sub->second;
      left.remove_prefix(d + 1);
    }
    if (left.empty() || !c.files[target].parsed)
      return {npos, npos};
    if (auto i = lookup(indexes[target], left, scratch); i != npos)
      return {target, i};
    return {npos, npos};
  };

  for (std::size_t fi = 0; fi < c.files.size(); ++fi) {
    const auto& f = c.files[fi];
    if (!f.parsed)
      continue;
    auto add = [&](std::size_t caller, std::string_view callee) {
      ++out.calls;
      auto ref = resolve(fi, caller, callee);
      if (ref.file == npos)
        return;
      ++out.resolved;
      out.edges.push_back({fi, caller, ref});
    };
    for (const auto& callee : f.symbols->module_calls)
      add(npos, callee);
    for (std::size_t i = 0; i < f.symbols->functions.size(); ++i)
      for (const auto& callee : f.symbols->functions[i].calls)
        add(i, callee);
  }
  return {};
}

error run_dead_code(const corpus& c, corpus_results& results, const corpus_context&) {
  auto& out = results.dead_code;
  out = dead_code_result{};
  std::vector<std::vector<char>> called(c.files.size());
  for (std::size_t fi = 0; fi < c.files.size(); ++fi)
    called[fi].assign(c.files[fi].symbols->functions.size(), 0);
  for (const auto& e : results.call_graph.edges) {
    bool self_call = e.caller_file == e.callee.file && e.caller_function == e.callee.function;
    if (!self_call)
      called[e.callee.file][e.callee.function] = 1;
  }
  auto exempt = [](std::string_view name, const actors::text_list& decorators) {
    bool dunder = name.size() > 4 && name.compare(0, 2, "__") == 0
                  && name.compare(name.size() - 2, 2, "__") == 0;
    // Decorated definitions are registered somewhere (routes, properties,
    // fixtures); tests are found by their runner.
    auto bare = name.compare(0, 1, "_") == 0 ? name.substr(1) : name;
    return dunder || !decorators.empty() || bare.compare(0, 4, "test") == 0
           || bare.compare(0, 4, "Test") == 0;
  };
  // Public names of public modules are API, used from outside the corpus:
  // only definitions in private modules, definitions whose own name is
  // private (`_x`) and functions or classes local to a def can be dead.
  // Methods of a private class with public names are not candidates: they
  // are reached through instances, often by name (`getattr(self, "visit_"
  // + kind)`), which no static reference shows.
  auto internal = [](const corpus_file& f, std::string_view qualname, bool method) {
    auto name = qualname.substr(qualname.rfind('.') + 1); // npos + 1 == 0
    if (!name.empty() && name[0] == '_' && name.compare(0, 2, "__") != 0)
      return true;
    if (method)
      return false;
    if ((!f.module.empty() && f.module.front() == '_') || f.module.find("._") != std::string::npos)
      return true;
    return qualname.find("<locals>") != std::string_view::npos;
  };
  // The candidates: internal, never called, not exempt.
  struct candidate {
    std::size_t file;
    const char* kind;
    std::string_view qualname;
    std::uint32_t line;
    std::string_view name;
  };
  std::vector<candidate> candidates;
  std::unordered_set<std::string_view> wanted; // their names, views of the corpus's strings
  for (std::size_t fi = 0; fi < c.files.size(); ++fi) {
    const auto& f = c.files[fi];
    if (!f.parsed || f.symbols->parse_errors > 0)
      continue;
    for (std::size_t i = 0; i < f.symbols->functions.size(); ++i) {
      const auto& fn = f.symbols->functions[i];
      if (!internal(f, fn.qualname, fn.is_method) || called[fi][i]
          || exempt(fn.name, fn.decorators))
        continue;
      candidates.push_back({fi, "function", fn.qualname, fn.line, fn.name});
      wanted.insert(fn.name);
    }
    for (const auto& cl : f.symbols->classes) {
      if (!internal(f, cl.qualname, false) || exempt(cl.name, cl.decorators))
        continue;
      candidates.push_back({fi, "class", cl.qualname, cl.line, cl.name});
      wanted.insert(cl.name);
    }
  }
  // Every name read anywhere, attribute names and `__all__` entries: a
  // definition whose name appears there may be referenced (by a call, a
  // callback, getattr-free dispatch...), so only the rest is reported. The
  // corpus reads hundreds of thousands of names: each is only probed
  // against the few candidate names.
  std::unordered_set<std::string_view> referenced;
  auto probe = [&](const actors::text_list& names) {
    for (const auto& n : names)
      if (wanted.count(n))
        referenced.insert(n);
  };
  for (const auto& f : c.files) {
    probe(f.symbols->names);
    probe(f.symbols->attributes);
    probe(f.symbols->exports);
  }
  for (const auto& x : candidates)
    if (!referenced.count(x.name))
      out.items.push_back({x.file, x.kind, std::string{x.qualname}, x.line});
  return {};
}

} // namespace troupe::corpus
