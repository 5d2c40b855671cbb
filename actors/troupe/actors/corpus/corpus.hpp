// File: the input and the results of the corpus-wide agents (groups 2 and 3
// of DESIGN.md "The 23 agents").
//
// Group 1 extracts everything later groups need from syntax trees into
// per-file records; a `corpus` holds those records, decoded, for every file
// of a run. The group 2 and 3 agents read the corpus and the results of the
// agents they depend on, and fill their own member of `corpus_results`. No
// agent of these groups ever sees a syntax tree, so a warm run parses
// nothing.
//
// Usage:
//
//   troupe::corpus::corpus c = ...;            // built from group-1 records
//   troupe::corpus::corpus_results r;
//   troupe::corpus::corpus_context ctx;         // output folder, index, ...
//   for (const auto& a : troupe::corpus::builtin_corpus_agents())
//     if (auto err = a->run(c, r, ctx)) report(a, err.message());
//
// Thread-safety: the agents of one run may run concurrently on different
// threads as long as each one starts after every agent it depends on has
// finished (the task graph guarantees it): each writes only its own member.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "troupe/actors/agent_descriptor.hpp"
#include "troupe/actors/file/complexity.hpp"
#include "troupe/actors/file/docstrings.hpp"
#include "troupe/actors/file/imports.hpp"
#include "troupe/actors/file/naming.hpp"
#include "troupe/actors/file/security.hpp"
#include "troupe/actors/file/size_metrics.hpp"
#include "troupe/actors/file/symbols_view.hpp"
#include "troupe/actors/file/todos.hpp"
#include "troupe/base/error.hpp"
#include "troupe/config/settings.hpp"

namespace troupe::corpus {

/// Of a def or class: its line and whether it has a docstring.
struct docstring_line {
  std::uint32_t line = 0;
  bool present = false;
};

/// What the corpus agents read of a docstrings record (actors::file_docstrings
/// without the qualnames and docstring lines).
struct docstring_presence {
  std::vector<docstring_line> classes;
  std::vector<docstring_line> functions;
  std::uint32_t documented = 0;
  std::uint32_t total = 1;

  [[nodiscard]] double coverage() const noexcept {
    return static_cast<double>(documented) / static_cast<double>(total);
  }
};

/// One analysed file with its decoded group-1 records: symbols, imports
/// and size metrics whole, of complexity and docstrings what the corpus
/// agents read (the whole records would double the memory a run holds).
struct corpus_file {
  /// Path relative to the analysed root, `/`-separated.
  std::string path;
  /// Dotted module name from the path (`json/decoder.py` -> `json.decoder`,
  /// `json/__init__.py` -> `json`).
  std::string module;
  /// Whether the file is a package's `__init__.py`.
  bool is_package = false;
  /// Whether the file was parsed (or its records came from the cache); the
  /// records below are empty otherwise.
  bool parsed = false;
  /// Shared with the run's file results and the memory tier; never null.
  actors::symbols_ptr symbols = actors::no_symbols();
  actors::file_imports imports;
  actors::size_metrics size;
  /// The cyclomatic complexity of each def of `symbols->functions` (same
  /// index; 0 where the complexity record has no figure for it: a def's
  /// figure is at least 1) and every figure of the record, in its order
  /// (set_complexity).
  std::vector<std::uint32_t> function_complexity;
  std::vector<std::uint32_t> complexity_figures;
  docstring_presence docstrings;
  /// The file's findings of the group-1 checks (reported per finding in
  /// report.md, report.html, `--format text|sarif` and `--fail-on`).
  actors::file_todos todos;
  actors::file_security security;
  actors::file_naming naming;

  /// Takes what the corpus reads of the file's complexity record; `symbols`
  /// must be set (defs and figures paired by actors::pair_complexity, as
  /// the report entry pairs them).
  void set_complexity(const actors::file_complexity& record);
  void set_docstrings(const actors::file_docstrings& record);
};

/// Every file of a run, with an index by module name.
struct corpus {
  std::vector<corpus_file> files;
  /// Module name -> index into `files`.
  std::unordered_map<std::string, std::size_t> by_module;

  /// Fills `module`, `is_package` of every file and `by_module`; a module
  /// name two files map to (a `.py` and a package) goes to the package.
  /// `package`: the dotted name of the package the root folder is (empty
  /// when it is none), in front of every module name.
  void index_modules(const std::string& package = {});
};

/// The dotted module name of a relative `.py` path, and whether it is a
/// package's `__init__.py`.
std::string module_name(const std::string& path, bool& is_package);

// --- results, one member per agent --------------------------------------

/// A resolved import between two corpus modules.
struct import_edge {
  std::size_t from = 0; ///< importing file
  std::size_t to = 0;   ///< imported file
  std::uint32_t line = 0;
};

/// `import_graph`: the module graph of the corpus.
struct import_graph_result {
  /// Distinct (from, to) pairs, at the line of the first import.
  std::vector<import_edge> edges;
  /// Per file: distinct importing modules, distinct imported modules.
  std::vector<std::uint32_t> fan_in, fan_out;
  /// Top-level names of modules imported but not in the corpus, with the
  /// number of files importing each.
  std::map<std::string, std::uint32_t> external;
  /// Relative imports reaching above the top of the corpus.
  std::uint32_t unresolved_relative = 0;
  /// Imports resolved to a corpus module.
  std::uint64_t resolved = 0;
};

/// `import_cycles`: strongly connected components of at least two modules.
struct import_cycles_result {
  /// Each component's files, sorted by module name; components sorted by
  /// size, largest first.
  std::vector<std::vector<std::size_t>> cycles;
};

/// One imported name its module never uses.
struct unused_import {
  std::size_t file = 0;
  /// The name as pyflakes prints it: `os.path`, `x` for `from m import x`,
  /// `m.x as y` for an alias.
  std::string name;
  /// The bound name (`os` for `import os.path`, `y` for `as y`).
  std::string binding;
  std::uint32_t line = 0;
};

/// `unused_imports`.
struct unused_imports_result {
  std::vector<unused_import> items;
  /// Unused imports in `__init__.py` files without `__all__`, kept out of
  /// `items` as re-exports.
  std::uint32_t reexports = 0;
};

/// A function of the corpus: file and index into its symbols' functions.
struct function_ref {
  std::size_t file = 0;
  std::size_t function = 0;
  friend bool operator==(const function_ref& a, const function_ref& b) noexcept {
    return a.file == b.file && a.function == b.function;
  }
};

/// A call from a function (or a module body) to a corpus function.
struct call_edge {
  std::size_t caller_file = 0;
  /// Index of the calling function; npos for module-level code.
  std::size_t caller_function = static_cast<std::size_t>(-1);
  function_ref callee;
};

/// `call_graph`.
struct call_graph_result {
  std::vector<call_edge> edges;
  /// Calls seen and calls resolved to a corpus function.
  std::uint64_t calls = 0;
  std::uint64_t resolved = 0;
};

/// A function or class nothing in the corpus refers to.
struct dead_definition {
  std::size_t file = 0;
  std::string kind; ///< "function" or "class"
  std::string qualname;
  std::uint32_t line = 0;
};

/// `dead_code`: internal definitions - those whose own name is private
/// (`_x`, dunders excluded), anything in a private module, functions and
/// classes local to a def - that no call resolves to and whose name is never
/// read, accessed as an attribute or exported anywhere in the corpus.
/// Decorated definitions and [_]test*/[_]Test* names are exempt (a test
/// framework finds them). Public names of public modules are API, never dead; public
/// methods are reached through instances (often by getattr), never dead.
struct dead_code_result {
  std::vector<dead_definition> items;
};

/// Functions with equal normalised bodies.
struct duplicate_group {
  std::vector<function_ref> functions;
  /// Lines of the first function.
  std::uint32_t lines = 0;
};

/// `duplicates`.
struct duplicates_result {
  /// Groups of two or more, largest lines first.
  std::vector<duplicate_group> groups;
};

/// A function ranked by complexity x length.
struct hotspot {
  function_ref function;
  std::uint32_t complexity = 1;
  std::uint32_t lines = 0;
  double score = 0;
};

/// `hotspots`.
struct hotspots_result {
  /// The highest scores first (at most `hotspots_limit`).
  std::vector<hotspot> items;
  /// Per file: the largest score of its functions (0 without any).
  std::vector<double> max_score;
};

/// One public name of a module. The texts view the corpus's symbols
/// records (and its module's `class_signatures`), which live as long as
/// the corpus: 43,000 entries on the default corpus, no copies.
struct api_entry {
  std::string_view kind; ///< "function", "class" or "method"
  std::string_view name; ///< qualname within the module
  std::string_view signature;
  std::uint32_t line = 0;
  bool documented = false;
};

/// The public API of one module.
struct module_api {
  std::size_t file = 0;
  std::vector<api_entry> entries;
  /// A class's signature is its bases, written out here (a list: the
  /// entries' views stay valid as it grows).
  std::list<std::string> class_signatures;
};

/// `api_surface`: modules whose name has no private (`_x`) component, with
/// their public names (`__all__` when defined, else names not starting with
/// `_`); methods of public classes included.
struct api_surface_result {
  std::vector<module_api> modules;
};

/// Annotation counts.
struct annotation_counts {
  std::uint64_t params = 0;
  std::uint64_t annotated_params = 0;
  std::uint64_t returns = 0;
  std::uint64_t annotated_returns = 0;
  /// (annotated params + annotated returns) / (params + returns); 1 when
  /// there is nothing to annotate.
  double coverage() const noexcept;
};

/// `type_coverage`. An unannotated first parameter `self` or `cls` of a
/// method (a def directly in a class body, also inside if/try blocks there)
/// is not counted.
struct type_coverage_result {
  annotation_counts total;
  std::vector<annotation_counts> per_file;
};

/// The outcome of one package lookup.
struct dependency {
  /// Top-level import name and the project name looked up.
  std::string import_name;
  std::string project;
  /// Files importing it.
  std::uint32_t files = 0;
  /// "found", "not_found" or "error".
  std::string status;
  std::string version;
  std::string summary;
  std::string error;
  std::uint32_t attempts = 0;
  double latency_ms = 0;
};

/// `deps_lookup`.
struct deps_result {
  /// "ok", "skipped" (no index configured) or "failed".
  std::string status = "ok";
  std::string reason;
  /// Whether it failed because the index never answered (refused,
  /// unreachable, timed out) rather than with an error status.
  bool unreachable = false;
  std::vector<dependency> items;
  /// Wall seconds of the lookups; connections opened and reused.
  double seconds = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_reused = 0;
};

/// A file written by a codegen agent.
struct generated_file {
  /// Path relative to the output folder.
  std::string path;
  std::size_t module_file = 0;
  std::uint32_t items = 0;
};

/// `codegen_tests` / `codegen_docs`.
struct codegen_result {
  std::vector<generated_file> files;
  /// "done", or "skipped" when generation was not asked for (with `reason`).
  std::string status = "done";
  std::string reason;
};

/// A ranked refactoring suggestion.
struct suggestion {
  /// "split_function", "merge_duplicates", "remove_dead_code",
  /// "break_import_cycle", "remove_unused_import".
  std::string kind;
  std::size_t file = 0;
  std::uint32_t line = 0;
  std::string target;
  std::string reason;
  /// Larger is more urgent (see refactor_suggestions.cpp for the formula).
  double priority = 0;
};

/// `refactor_suggestions`.
struct suggestions_result {
  std::vector<suggestion> items;
};

/// One module's quality score and the components it is made of, each in
/// [0, 100].
struct module_score {
  std::size_t file = 0;
  double score = 100;
  double complexity = 100;
  double documentation = 100;
  double typing = 100;
  double findings = 100;
};

/// `quality_score`: per module and overall (mean weighted by code lines).
struct scores_result {
  std::vector<module_score> modules;
  double overall = 100;
  /// Modules per score decile ([0,10), ..., [90,100]).
  std::uint32_t histogram[10] = {};
};

/// The results of all corpus agents of a run.
struct corpus_results {
  import_graph_result import_graph;
  import_cycles_result import_cycles;
  unused_imports_result unused_imports;
  call_graph_result call_graph;
  dead_code_result dead_code;
  duplicates_result duplicates;
  hotspots_result hotspots;
  api_surface_result api_surface;
  type_coverage_result type_coverage;
  deps_result deps;
  codegen_result generated_tests;
  codegen_result generated_docs;
  suggestions_result suggestions;
  scores_result scores;
};

/// What corpus agents may use besides the corpus.
struct corpus_context {
  /// The run's output folder (codegen writes below it); empty: generate in
  /// memory only, write nothing.
  std::string out_dir;
  /// Package index base URL for deps_lookup (`http://127.0.0.1:PORT`);
  /// empty: deps_lookup is skipped with a reason.
  std::string index_url;
  /// Network bounds for deps_lookup.
  config::network_settings network;
  /// Retries of a failed lookup.
  std::uint32_t max_retries = 3;
  /// False: one new connection per lookup, in sequence (the baseline the
  /// `network` benchmark compares the pooled client with).
  bool pooled_lookups = true;
  /// Most hotspots reported.
  std::size_t hotspots_limit = 50;
  /// Called on a worker thread before an agent reads or writes anything
  /// below `out_dir` (troupe run locks the folder against other runs
  /// there); may block; may be called more than once.
  std::function<void()> before_writing;
  /// Whether codegen_tests and codegen_docs generate anything; when off,
  /// the agent is skipped with a reason and writes nothing.
  bool generate_tests = true;
  bool generate_docs = true;
  /// False: parse the mustache template again for every file rendered,
  /// instead of compiling it once per run (the baseline the `codegen`
  /// benchmark compares compiled templates with).
  bool compiled_templates = true;
  /// Read the imports of an `__init__.py` without `__all__` as re-exports
  /// (unused_imports then never reports them).
  bool init_reexports = false;
};

/// A group 2 or 3 agent.
class corpus_agent {
public:
  virtual ~corpus_agent() = default;
  /// Id, version, group and edges (as in the agent registry).
  virtual const actors::agent_descriptor& descriptor() const noexcept = 0;
  /// Computes the agent's member of `results`; returns why it failed (no
  /// error on success). Throwing counts as a failure too.
  virtual error run(const corpus& input, corpus_results& results,
                    const corpus_context& context) const = 0;
};

/// The built-in corpus agents of DESIGN.md (all but `report`, which the run
/// pipeline writes itself), in topological order.
std::vector<std::shared_ptr<const corpus_agent>> builtin_corpus_agents();

} // namespace troupe::corpus
