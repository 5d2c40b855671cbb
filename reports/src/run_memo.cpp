#include "troupe/reports/internal/run_memo.hpp"

#include "troupe/analysis/internal/digest_memo.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "troupe/actors/corpus/corpus.hpp"
#include "troupe/actors/corpus/folder_listing.hpp"
#include "troupe/actors/file/file_agent.hpp"
#include "troupe/actors/file/symbols_agent.hpp"
#include "troupe/analysis/internal/read_buffer.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/config/settings_yaml.hpp"
#include "troupe/reports/internal/report_sections.hpp"

namespace troupe::detail {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view magic = "troupe-run-memo\n";
constexpr std::uint32_t format = 2;

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool get_u64(std::string_view& in, std::uint64_t& v) {
  if (in.size() < 8)
    return false;
  v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  in.remove_prefix(8);
  return true;
}

template <class Memo, class Each>
void for_each_part(Memo& m, Each&& each) {
  each(m.content);
  each(m.agents);
  each(m.facts);
  each(m.markdown_body);
  each(m.html_body);
  each(m.tests_manifest);
  each(m.docs_manifest);
  each(m.findings);
}

/// A stream buffer that appends to a string: rendering into it costs no
/// copy (ostringstream::str() copies in C++17).
class string_sink : public std::streambuf {
public:
  explicit string_sink(std::string& out) : out_(out) {
  }

protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof()))
      out_.push_back(traits_type::to_char_type(ch));
    return traits_type::not_eof(ch);
  }

private:
  std::string& out_;
};

/// Renders `write(stream)` into a string.
template <class Write>
std::string render(Write&& write, std::size_t expected = 0) {
  std::string text;
  // Reserved up front so that a large text is not copied while it grows;
  // pages never written are never touched, so too much costs nothing.
  text.reserve(expected);
  string_sink sink{text};
  std::ostream out{&sink};
  write(out);
  return text;
}

/// Every agent id and version, in the order they run.
std::string agent_versions(const analysis_options& options) {
  // The symbols record's key carries its own version text.
  std::string out = std::string{actors::symbols_agent::id} + ":"
                    + actors::symbols_agent::version;
  for (const auto& a : options.agents.agents())
    if (a.descriptor.id != actors::symbols_agent::id)
      out += ";" + a.descriptor.id + ":" + std::to_string(a.descriptor.version);
  return out;
}

/// The settings that change results: all but how the run is executed
/// (parallel, cache) and the profile's name and description.
std::string result_settings(const analysis_options& options) {
  auto s = options.settings;
  s.profile.clear();
  s.description.clear();
  // Where and how fast the work runs changes no result.
  s.parallel = {};
  s.cache = {};
  s.nodes = {};
  s.tuner = {};
  return config::to_yaml(s) + "max_file_bytes: " + std::to_string(options.max_file_bytes) + "\n";
}

} // namespace

std::string encode_run_memo(run_memo&& memo) {
  // The parts back to back, then a trailer of their sizes, the format
  // version and the magic: the large first part (report.json's content) is
  // moved in, never copied.
  std::vector<std::uint64_t> sizes;
  for_each_part(memo, [&](const std::string& part) { sizes.push_back(part.size()); });
  std::string out = std::move(memo.content);
  bool first = true;
  for_each_part(memo, [&](std::string& part) {
    if (!first)
      out += part;
    first = false;
    part.clear();
    part.shrink_to_fit();
  });
  for (auto n : sizes)
    put_u64(out, n);
  put_u64(out, format);
  out += magic;
  return out;
}

bool decode_run_memo(std::string_view in, run_memo& out) {
  std::size_t parts = 0;
  for_each_part(out, [&](const std::string&) { ++parts; });
  auto trailer = parts * 8 + 8 + magic.size();
  if (in.size() < trailer || in.substr(in.size() - magic.size()) != magic)
    return false;
  auto sizes = in.substr(in.size() - trailer, parts * 8 + 8);
  std::vector<std::uint64_t> n(parts);
  for (auto& v : n)
    get_u64(sizes, v);
  std::uint64_t version = 0;
  if (!get_u64(sizes, version) || version != format)
    return false;
  auto body = in.substr(0, in.size() - trailer);
  std::size_t i = 0;
  bool ok = true;
  for_each_part(out, [&](std::string& part) {
    if (!ok || n[i] > body.size()) {
      ok = false;
      return;
    }
    part.assign(body.data(), n[i]);
    body.remove_prefix(n[i]);
    ++i;
  });
  return ok && body.empty();
}

std::string read_generated_manifest(const std::string& out_dir, const char* name) {
  if (out_dir.empty())
    return {};
  read_buffer buffer;
  if (buffer.read((fs::path{out_dir} / "generated" / name).string()))
    return {};
  return std::string{buffer.view()};
}

run_inputs digest_run_inputs(const analysis_options& options) {
  run_inputs out;
  if (!options.corpus_context.index_url.empty()) {
    out.not_used = "a package index is configured (deps_lookup asks the network)";
    return out;
  }
  if (auto err = walk_source_tree(options.root, options.walk, out.tree)) {
    out.not_used = err.message();
    return out;
  }
  out.walked = true;
  // Read and digested on two threads (every cached run pays this before it
  // knows whether the memo answers it; the run then reads again only the
  // files it must parse), except files whose identity the digest memo
  // remembers unchanged. Files over the size limit are never read.
  const auto& files = out.tree.files;
  auto memo = options.digest_memo_file.empty()
                ? digest_memo{}
                : digest_memo::load(options.digest_memo_file, out.tree.root);
  auto read_at = wall_clock_ns();
  std::vector<cache::digest> digests(files.size());
  // Per file: bytes read, or -1 when its digest came from the memo.
  std::vector<std::int64_t> read_size(files.size(), -1);
  std::string failed[2];
  std::uint64_t bytes[2] = {0, 0};
  auto digest_every_other = [&](std::size_t first) {
    read_buffer buffer;
    for (std::size_t i = first; i < files.size() && failed[first].empty(); i += 2) {
      const auto& f = files[i];
      if (f.bytes > options.max_file_bytes || f.name_not_utf8)
        continue; // never read by a run: the escaped name stands in
      if (auto known = memo.find(f)) {
        digests[i] = *known;
        bytes[first] += f.bytes;
      } else if (auto err = buffer.read(out.tree.root + "/" + f.path, f.bytes)) {
        failed[first] = f.path + ": " + err.message();
      } else {
        digests[i] = cache::content_digest(buffer.view());
        bytes[first] += buffer.view().size();
        read_size[i] = static_cast<std::int64_t>(buffer.view().size());
      }
    }
  };
  std::thread second{digest_every_other, 1};
  digest_every_other(0);
  second.join();
  if (!options.digest_memo_file.empty() && failed[0].empty() && failed[1].empty()) {
    // A file read at another size than the walk saw changed in between:
    // its identity is not that of the content read.
    for (std::size_t i = 0; i < files.size(); ++i)
      if (read_size[i] >= 0 && static_cast<std::uint64_t>(read_size[i]) == files[i].bytes)
        memo.remember(files[i], digests[i], read_at);
    if (memo.keep_only(files))
      (void) memo.save(options.digest_memo_file); // a hint: a failed save costs reads
  }
  for (const auto& f : failed) {
    if (!f.empty()) {
      out.not_used = f;
      return out;
    }
  }
  out.digests = std::move(digests);
  out.bytes = bytes[0] + bytes[1];
  return out;
}

run_memo_lookup lookup_run_memo(cache::tiered_cache& cache, const analysis_options& options,
                                run_inputs inputs) {
  run_memo_lookup out;
  out.inputs = std::move(inputs);
  const auto& files = out.inputs.tree.files;
  const auto& digests = out.inputs.digests;
  if (digests.size() != files.size())
    return out; // not every file was read: no memo
  // The input: every file's path and content digest, in walk order; files
  // over the size limit are never read by a run, so their size stands in.
  // The package the root is part of names every module.
  std::string inputs_text = "package:" + out.inputs.tree.package + "\n";
  for (std::size_t i = 0; i < files.size(); ++i) {
    inputs_text += files[i].path;
    inputs_text += '\0';
    inputs_text += files[i].bytes > options.max_file_bytes
                     ? "too_large:" + std::to_string(files[i].bytes)
                     : digests[i].hex();
    inputs_text += '\n';
  }
  cache::key_parts parts;
  parts.agent_id = "run";
  parts.agent_version = agent_versions(options);
  parts.grammar_version = actors::symbols_agent::grammar;
  parts.settings = result_settings(options);
  parts.input = cache::content_digest(inputs_text);
  out.parts = std::move(parts);
  find_run_memo(cache, options, out);
  return out;
}

void find_run_memo(cache::tiered_cache& cache, const analysis_options& options,
                   run_memo_lookup& out) {
  if (!out.parts || out.memo)
    return;
  auto found = cache.get(*out.parts, "run");
  if (!found)
    return;
  run_memo memo;
  if (!decode_run_memo(*found.value, memo)) {
    out.inputs.not_used = "the stored memo does not decode";
    return;
  }
  // The generated files must still be where the stored run left them.
  // (Only the kinds this run generates: the settings are part of the key.)
  const auto& dir = options.corpus_context.out_dir;
  const auto& ctx = options.corpus_context;
  if ((ctx.generate_tests && read_generated_manifest(dir, ".tests-manifest") != memo.tests_manifest)
      || (ctx.generate_docs
          && read_generated_manifest(dir, ".docs-manifest") != memo.docs_manifest)) {
    out.inputs.not_used = "the output folder's generated files differ from the stored run's";
    return;
  }
  corpus::folder_listing present{dir};
  for (const auto* manifest : {&memo.tests_manifest, &memo.docs_manifest}) {
    std::istringstream lines{*manifest};
    std::string file, digest;
    while (lines >> file >> digest) {
      if (!present.contains(file)) {
        out.inputs.not_used = "generated file missing: " + file;
        return;
      }
    }
  }
  out.memo = std::move(memo);
}

std::optional<run_memo> make_run_memo(const analysis_result& r, const analysis_options& options,
                                      std::string summary) {
  if (r.graph.cancelled || r.graph.count(task_status::failed) > 0 || r.graph.item_failures() > 0
      || r.graph.count(task_status::skipped) > 0 || r.graph.count(task_status::cancelled) > 0
      || !options.corpus_context.index_url.empty())
    return std::nullopt;
  // Stored by a run whose every file's records came from the cache (it
  // repeated its predecessor's inputs) and by a run that found none of them
  // (a first, cold run: the first rerun is then answered by the memo);
  // storing costs about a tenth of a second for the default corpus, which
  // a run with some files changed would pay without a likely reuse.
  // (A cold run finds the records of files that share a content with an
  // earlier file of the same run in L1: only L2 hits tell a rerun.)
  std::size_t cached = 0, computed = 0;
  for (const auto& f : r.files)
    if (f.state == file_state::parsed)
      ++(f.from_cache() ? cached : computed);
  const auto& l2 = r.cache_stats.tiers[static_cast<std::size_t>(cache::cache_tier::l2)];
  bool cold = l2.hits == 0;
  if (cached > 0 && computed > 0 && !cold)
    return std::nullopt;
  // A file over its parse budget may parse in a run with another budget.
  if (r.count(file_state::over_budget) > 0)
    return std::nullopt;
  run_memo memo;
  memo.content = render([&](std::ostream& out) {
    actors::json_writer w{out};
    w.begin_object();
    write_report_content(w, r, options);
    w.end_object();
  }, 2 * r.bytes + (1u << 20)); // report.json's content: ~1.2x the source bytes here
  nlohmann::json facts{
    {"parsed_files", r.count(file_state::parsed)},
    {"files_with_syntax_errors", r.files_with_syntax_errors()},
    {"score", r.corpus_results.scores.overall},
    {"skipped_files",
     {{"unreadable", r.count(file_state::unreadable)},
      {"binary", r.count(file_state::binary)},
      {"not_utf8", r.count(file_state::not_utf8)},
      {"too_large", r.count(file_state::too_large)},
             {"bad_name", r.count(file_state::bad_name)},
             {"over_budget", r.count(file_state::over_budget)}}},
    {"warnings", nlohmann::json::array()},
    {"summary", std::move(summary)}};
  for (const auto& f : r.files)
    if (f.state != file_state::parsed && f.state != file_state::pending)
      facts["warnings"].push_back(f.path + ": skipped (" + to_string(f.state) + "): " + f.detail);
  memo.facts = json_text(facts);
  memo.markdown_body = render([&](std::ostream& out) { write_markdown_body(out, r); });
  memo.html_body = render([&](std::ostream& out) { write_html_body(out, r); });
  const auto& ctx = options.corpus_context;
  if (ctx.generate_tests)
    memo.tests_manifest = read_generated_manifest(ctx.out_dir, ".tests-manifest");
  if (ctx.generate_docs)
    memo.docs_manifest = read_generated_manifest(ctx.out_dir, ".docs-manifest");
  return memo;
}

error store_run_memo(cache::tiered_cache& cache, const run_memo_lookup& lookup,
                     run_memo&& memo) {
  if (!lookup.parts)
    return {};
  auto err = cache.put(lookup.parts->key(), "run",
                       cache::make_value(encode_run_memo(std::move(memo))));
  return err;
}

} // namespace troupe::detail
