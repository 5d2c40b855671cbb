#include "internal/file_stage.hpp"
#include "internal/read_buffer.hpp"

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "troupe/actors/extract_references.hpp"
#include "troupe/actors/file_agent.hpp"
#include "troupe/actors/python_parser.hpp"
#include "troupe/actors/symbols_agent.hpp"
#include "troupe/actors/symbols_codec.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/record_bundle.hpp"
#include "troupe/cache/tiered_cache.hpp"

namespace troupe::detail {

namespace {

file_state state_of(actors::source_status status) {
  switch (status) {
    case actors::source_status::ok: return file_state::parsed;
    case actors::source_status::binary: return file_state::binary;
    case actors::source_status::not_utf8: return file_state::not_utf8;
    case actors::source_status::too_large: return file_state::too_large;
  }
  return file_state::unreadable;
}

/// The group of the L2 bundle holding a file's group-1 records (see
/// cache/troupe/cache/record_bundle.hpp): keyed by this name and the file's
/// content digest, each record inside by its own per-agent key.
constexpr std::string_view bundle_group = "group1";

/// Fills the key parts of one agent's record of a file (reusing the
/// strings' buffers).
void set_record_key(cache::key_parts& parts, std::string_view agent, std::string_view version,
                    const cache::digest& content) {
  parts.agent_id.assign(agent.data(), agent.size());
  parts.agent_version.assign(version.data(), version.size());
  parts.grammar_version = actors::symbols_agent::grammar;
  parts.settings.clear();
  parts.input = content;
  parts.upstream.clear();
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

file_analysis analyse_file(const std::string& root, const source_file& file,
                           std::uint64_t max_bytes, cache::tiered_cache* cache,
                           const file_agent_list& agents) {
  thread_local actors::python_parser parser;
  file_analysis out;
  out.path = file.path;
  out.bytes = file.bytes;
  if (file.bytes > max_bytes) {
    out.state = file_state::too_large;
    out.detail = std::to_string(file.bytes) + " bytes, limit " + std::to_string(max_bytes);
    return out;
  }
  thread_local read_buffer buffer;
  if (!buffer.read(root + "/" + file.path, out.detail)) {
    out.state = file_state::unreadable;
    return out;
  }
  auto bytes = buffer.view();
  out.bytes = bytes.size();
  auto digest = cache::content_digest(bytes);
  out.digest = digest.hex();
  auto started = std::chrono::steady_clock::now();
  // One lookup for every group-1 record of the file: `symbols` first, then
  // the file agents in order. L2 holds them as one bundle per file content.
  thread_local std::vector<cache::key_parts> parts;
  parts.resize(agents.size() + 1);
  set_record_key(parts[0], actors::symbols_agent::id, actors::symbols_agent::version, digest);
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const auto& d = agents[i]->descriptor();
    set_record_key(parts[i + 1], d.id, std::to_string(d.version), digest);
  }
  out.records.assign(agents.size(), nullptr);
  out.record_hits.assign(agents.size(), 0);
  cache::group_lookup found;
  bool agents_missing = !agents.empty();
  if (cache) {
    found = cache->get_group(cache::bundle_key(bundle_group, digest), parts, file.path);
    const auto& symbols_found = found.members[0];
    if (symbols_found.value && actors::decode_symbols(*symbols_found.value, out.symbols))
      out.cache_hit = true;
    else if (symbols_found.value)
      out.corrupt_record = true; // checksum passed but the schema did not
    if (symbols_found.why_missed)
      out.why_missed = *symbols_found.why_missed;
    agents_missing = false;
    for (std::size_t i = 0; i < agents.size(); ++i) {
      out.records[i] = found.members[i + 1].value;
      out.record_hits[i] = out.records[i] != nullptr;
      agents_missing |= out.records[i] == nullptr;
    }
  }
  if (out.cache_hit && !agents_missing) {
    out.stage_seconds = seconds_since(started);
    return out; // everything from the cache: no parse
  }
  auto source = actors::decode_python_source(bytes, max_bytes);
  out.state = state_of(source.status);
  out.encoding = source.encoding;
  out.detail = source.detail;
  if (out.state != file_state::parsed) {
    out.records.clear();
    out.record_hits.clear();
    out.stage_seconds = seconds_since(started);
    return out;
  }
  // One parse serves every agent whose record was missing.
  auto tree = parser.parse(source.text);
  cache::value_ptr symbols_record = out.cache_hit ? found.members[0].value : nullptr;
  auto run_agent = [](std::string_view id, auto&& analyse) {
    try {
      analyse();
    } catch (const std::exception& e) {
      throw agent_error{std::string{id}, e.what()};
    }
  };
  if (!out.cache_hit) {
    run_agent(actors::symbols_agent::id,
              [&] { out.symbols = actors::extract_symbol_record(tree, source.text); });
    if (cache)
      symbols_record = cache::make_value(actors::encode_symbols(out.symbols));
  }
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (!out.records[i])
      run_agent(agents[i]->descriptor().id, [&] {
        out.records[i] = cache::make_value(agents[i]->analyse(tree, source.text));
      });
  }
  if (cache) {
    // Stores the new records; L2 gets the file's bundle rewritten once.
    std::vector<cache::value_ptr> values;
    values.reserve(agents.size() + 1);
    values.push_back(std::move(symbols_record));
    values.insert(values.end(), out.records.begin(), out.records.end());
    if (auto err = cache->put_group(found, values))
      out.cache_error = err.message();
  }
  out.stage_seconds = seconds_since(started);
  return out;
}

} // namespace troupe::detail
