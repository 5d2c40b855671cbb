// `unused_imports`: imported names a module never uses, as pyflakes'
// "imported but unused" defines it, from the `imports` and `symbols`
// records. Scopes: a module-level import is used when any code of the file
// reads its name (or `__all__` lists it); a def-level one when that def or
// a def nested in it does; imports in class bodies are class members.
// As flake8 reports F401: a statement whose line carries `# noqa` (bare,
// or listing F401 or a prefix of it) or a file marked `# flake8: noqa` is
// not reported; when an aliased `import a as x` is used, a binding of `a`
// in the same scope (`import a.b`) counts as used too (pyflakes'
// handleNodeLoad). Deliberate differences from pyflakes 2.5
// (tests/tools/compare_corpus.py): star imports are never reported (which
// names they provide depends on the imported module); names added by
// `__all__.extend([...])` or `.append(...)` count as exported. With
// corpus_context::init_reexports, unused imports of an `__init__.py`
// without `__all__` are read as the package's re-exports and only counted.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "troupe/actors/corpus/agents.hpp"
#include "troupe/actors/source/noqa.hpp"

namespace troupe::corpus {

namespace {

/// The innermost def containing `line`, as an index into `functions`, or
/// npos; `in_class` is set when a class body (not a def in it) holds it.
std::size_t enclosing_scope(const actors::symbols_view& s, std::uint32_t line, bool& in_class) {
  auto best = static_cast<std::size_t>(-1);
  std::uint32_t best_line = 0;
  for (std::size_t i = 0; i < s.functions.size(); ++i) {
    const auto& f = s.functions[i];
    if (f.line < line && line <= f.end_line && f.line >= best_line) {
      best = i;
      best_line = f.line;
    }
  }
  in_class = false;
  for (const auto& c : s.classes)
    if (c.line < line && line <= c.end_line && c.line > best_line)
      in_class = true;
  return best;
}

struct candidate {
  std::string name;    // as pyflakes prints it
  std::string binding; // the name bound in the scope
  std::uint32_t line;
  /// `import a as x`: the module `a` when it has no dot (pyflakes marks
  /// the scope's binding of that name used when `x` is).
  std::string aliased_module;
  bool noqa = false;
};

} // namespace

error run_unused_imports(const corpus& c, corpus_results& results,
                               const corpus_context& ctx) {
  auto& out = results.unused_imports;
  out = unused_imports_result{};
  for (std::size_t fi = 0; fi < c.files.size(); ++fi) {
    const auto& f = c.files[fi];
    if (!f.parsed || f.symbols->parse_errors > 0)
      continue;
    const auto& names = f.symbols->names;
    const auto& exports = f.symbols->exports;
    // A def-scope import is used when its def (or a def nested in it)
    // reads the name; a module-scope one when any code of the file does.
    auto used = [&](const std::string& binding, std::size_t scope) {
      if (scope != static_cast<std::size_t>(-1)) {
        const auto& local = f.symbols->functions[scope].local_names;
        return std::binary_search(local.begin(), local.end(), binding);
      }
      if (std::binary_search(names.begin(), names.end(), binding))
        return true;
      return std::find(exports.begin(), exports.end(), binding) != exports.end();
    };
    // The last import of a binding in a scope replaces earlier ones
    // (pyflakes reports those as redefinitions, not as unused).
    std::map<std::pair<std::size_t, std::string>, candidate> last;
    for (const auto& imp : f.imports.imports) {
      if (imp.from_import && imp.module == "__future__" && imp.level == 0)
        continue; // future statements are directives, never unused
      bool in_class = false;
      auto scope = enclosing_scope(*f.symbols, imp.line, in_class);
      if (in_class)
        continue; // imports in class bodies are public members
      bool noqa = !imp.noqa.empty() && actors::noqa_silences(imp.noqa, "F401");
      if (!imp.from_import) {
        candidate cand;
        cand.line = imp.line;
        cand.noqa = noqa;
        if (!imp.alias.empty()) {
          cand.binding = imp.alias;
          auto last_part = imp.module.substr(imp.module.rfind('.') + 1);
          cand.name = last_part == imp.alias ? imp.module : imp.module + " as " + imp.alias;
          if (last_part != imp.alias && imp.module.find('.') == std::string::npos)
            cand.aliased_module = imp.module;
        } else {
          cand.binding = imp.module.substr(0, imp.module.find('.'));
          cand.name = imp.module;
        }
        last[{scope, cand.binding}] = cand;
        continue;
      }
      auto prefix = std::string(imp.level, '.') + imp.module;
      for (const auto& nm : imp.names) {
        if (nm.name == "*")
          continue;
        candidate cand;
        cand.line = imp.line;
        cand.noqa = noqa;
        cand.binding = nm.alias.empty() ? nm.name : nm.alias;
        auto full = (!prefix.empty() && prefix.back() == '.') ? prefix + nm.name
                                                              : prefix + "." + nm.name;
        cand.name = nm.alias.empty() || nm.alias == nm.name ? full : full + " as " + nm.alias;
        last[{scope, cand.binding}] = cand;
      }
    }
    // A def or class of the module scope after an import rebinds its name:
    // the import is no longer in scope at the end (pyflakes reports a
    // redefinition there, never F401).
    auto rebound_later = [&](const std::string& binding, std::uint32_t line) {
      for (const auto& fn : f.symbols->functions)
        if (fn.line > line && fn.name == binding && fn.qualname == fn.name)
          return true;
      for (const auto& cl : f.symbols->classes)
        if (cl.line > line && cl.name == binding && cl.qualname == cl.name)
          return true;
      return false;
    };
    bool reexport = ctx.init_reexports && f.is_package && !f.symbols->has_all;
    // An aliased import that is used marks its module's binding used.
    std::set<std::pair<std::size_t, std::string>> used_through_alias;
    for (const auto& [key, cand] : last)
      if (!cand.aliased_module.empty() && used(cand.binding, key.first))
        used_through_alias.insert({key.first, cand.aliased_module});
    std::vector<unused_import> found;
    for (auto& [key, cand] : last) {
      bool module_scope = key.first == static_cast<std::size_t>(-1);
      if (cand.noqa || used(cand.binding, key.first) || used_through_alias.count(key))
        continue;
      if (module_scope && rebound_later(cand.binding, cand.line))
        continue;
      if (reexport && module_scope) {
        ++out.reexports;
        continue;
      }
      found.push_back({fi, std::move(cand.name), std::move(cand.binding), cand.line});
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return std::tie(a.line, a.name) < std::tie(b.line, b.name);
    });
    for (auto& u : found)
      out.items.push_back(std::move(u));
  }
  return {};
}

} // namespace troupe::corpus
