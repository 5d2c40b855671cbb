// File: the built-in corpus agents as plain functions, one per agent id of
// DESIGN.md "The 23 agents" (groups 2 and 3). builtin_corpus_agents() wraps
// them; tests call them directly. Each returns an empty troupe::error on
// success, else why it failed, and writes only its own member of `results`.
#pragma once

#include <cstdint>
#include <string>

#include "troupe/actors/corpus/corpus.hpp"

namespace troupe::corpus {

error run_import_graph(const corpus&, corpus_results&, const corpus_context&);
error run_import_cycles(const corpus&, corpus_results&, const corpus_context&);
error run_unused_imports(const corpus&, corpus_results&, const corpus_context&);
error run_call_graph(const corpus&, corpus_results&, const corpus_context&);
error run_dead_code(const corpus&, corpus_results&, const corpus_context&);
error run_duplicates(const corpus&, corpus_results&, const corpus_context&);
error run_hotspots(const corpus&, corpus_results&, const corpus_context&);
error run_api_surface(const corpus&, corpus_results&, const corpus_context&);
error run_type_coverage(const corpus&, corpus_results&, const corpus_context&);
error run_deps_lookup(const corpus&, corpus_results&, const corpus_context&);
error run_codegen_tests(const corpus&, corpus_results&, const corpus_context&);
error run_codegen_docs(const corpus&, corpus_results&, const corpus_context&);
error run_refactor_suggestions(const corpus&, corpus_results&, const corpus_context&);
error run_quality_score(const corpus&, corpus_results&, const corpus_context&);

/// Splits a package index URL `http://HOST:PORT` (a trailing `/` allowed);
/// false when it is not of that form. Only plain HTTP is supported.
[[nodiscard]] bool parse_index_url(const std::string& url, std::string& host,
                                   std::uint16_t& port);

/// Resolves an import of file `from` to a corpus file: `module` with
/// `level` leading dots (0: absolute), and for `from m import name` the
/// name, which may be a submodule. Returns the file index or npos; sets
/// `external` to the top-level name when an absolute import leaves the
/// corpus, and `escaped` when a relative one reaches above its top.
std::size_t resolve_import(const corpus& c, std::size_t from, const std::string& module,
                           std::uint32_t level, const std::string& name, std::string& external,
                           bool& escaped);

} // namespace troupe::corpus
