// File: the run memo: everything a run writes that depends on its inputs
// only (report.json's files and corpus sections, the bodies of report.md
// and report.html, the generated files' manifests), stored in the result
// cache under one key over all of its inputs. Internal.
//
// Key (cache::key_parts, agent "run"): the id and version of every agent,
// the grammar, the settings that change results (all but the `parallel`,
// `cache`, `nodes` and `tuner` sections) and the size limit, and as input the
// digest of every file's relative path and content digest, in walk order.
// So a run whose every input matches a stored run is served without
// dispatching a task: the files are still read and digested (the key needs
// them), nothing is parsed or decoded. Looked up in L1 and L2 before any
// node is joined (a run they answer joins none), then, for a run that joins
// nodes with cache.l3_enabled, in the nodes' L3, where every memo-storing run
// of the cluster puts it: a node with an empty cache folder is then answered
// by a run another node made. Moving the checkout keeps the key;
// changing one byte, setting or agent version misses, and the run then goes
// through the per-file records as usual (which are each cached on their own).
//
// Stored by a run that found every file's records in the cache (a run that
// repeats its predecessor's inputs): so a cold run and a run with changed
// files never pay for storing it, and the second unchanged run stores it for
// the third. Not memoised: runs with a package index (deps_lookup results
// come from the network), incomplete runs and runs with a failed task. A
// memo is used only when the output folder still holds the generated files
// it lists.
#pragma once

#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "troupe/analysis/analysis.hpp"
#include "troupe/cache/key_parts.hpp"

namespace troupe::cache {
class tiered_cache;
} // namespace troupe::cache

namespace troupe::detail {

struct run_memo {
  /// report.json's members after `run` and `agents` ("files", "modules",
  /// ...), rendered, without the enclosing braces.
  std::string content;
  /// The `agents` array of the run that stored the memo.
  std::string agents;
  /// {"parsed_files", "files_with_syntax_errors", "skipped_files",
  ///  "warnings": [...], "summary": "..."}: the input-derived parts of the
  /// run section, the log and the printed summary.
  std::string facts;
  std::string markdown_body;
  std::string html_body;
  /// The generated files' manifests (tests, docs) as the stored run left
  /// them in its output folder.
  std::string tests_manifest;
  std::string docs_manifest;
  /// The run's findings (encode_findings, troupe/reports/findings.hpp).
  std::string findings;
};

/// Serialised form: the parts back to back, then their sizes, the format
/// version and a magic (the cache's own header carries the checksum).
/// Consumes `memo`: the large content part is moved, not copied.
std::string encode_run_memo(run_memo&& memo);
/// False when `bytes` is not a run memo of this version.
bool decode_run_memo(std::string_view bytes, run_memo& out);

/// What the memo key of a run is made of, read from the tree: the walked
/// files and the digest of every file's content.
struct run_inputs {
  source_tree tree;
  bool walked = false;
  /// Per file of `tree.files` (zero for files over the size limit, which
  /// are not read); empty when some file could not be read.
  std::vector<cache::digest> digests;
  /// Bytes read.
  std::uint64_t bytes = 0;
  /// Why the memo does not answer the run: it cannot be memoised, or a
  /// stored memo was not usable ("" when none was stored yet, or it was
  /// used).
  std::string not_used;
};

/// Walks the root, reads and digests every file (on two threads). Needs no
/// cache, so it can run while the runtime starts.
run_inputs digest_run_inputs(const analysis_options& options);

/// The result of asking the cache for the memo of a run.
struct run_memo_lookup {
  /// The run's key parts; nullopt when the run cannot be memoised.
  std::optional<cache::key_parts> parts;
  /// What the key was made of: the walked tree (the run reuses it when
  /// `inputs.walked`), its bytes and the files' content digests.
  run_inputs inputs;
  /// The stored memo, when found, decodable and its generated files are in
  /// the output folder.
  std::optional<run_memo> memo;
};

/// Looks the run up by its inputs (from digest_run_inputs).
run_memo_lookup lookup_run_memo(cache::tiered_cache& cache, const analysis_options& options,
                                run_inputs inputs);

/// Asks the cache again for the memo `lookup` did not find (a run that has
/// joined nodes since: their L3 may hold it); sets `lookup.memo` when found
/// and usable, else `lookup.inputs.not_used` says why when one was found.
void find_run_memo(cache::tiered_cache& cache, const analysis_options& options,
                   run_memo_lookup& lookup);

/// The memo of a finished run, `agents` left for the caller (the rows as
/// written into the reports); nullopt when the run must not be stored
/// (incomplete, a task failed, a package index was used, or some records
/// were computed and others found in the cache: a changed run).
std::optional<run_memo> make_run_memo(const analysis_result& r, const analysis_options& options,
                                      std::string summary);

/// Stores (and consumes) `memo` under the looked-up key; returns the
/// cache's error, if any.
error store_run_memo(cache::tiered_cache& cache, const run_memo_lookup& lookup,
                     run_memo&& memo);

/// The text of a generated-files manifest in `out_dir` ("" when absent).
std::string read_generated_manifest(const std::string& out_dir, const char* name);

} // namespace troupe::detail
