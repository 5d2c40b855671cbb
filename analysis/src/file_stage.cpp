#include "internal/file_stage.hpp"
#include "troupe/analysis/internal/read_buffer.hpp"
#include "troupe/analysis/internal/report_entry.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string_view>
#include <vector>

#include "troupe/actors/file/extract_references.hpp"
#include "troupe/actors/file/file_agent.hpp"
#include "troupe/actors/file/symbols_agent.hpp"
#include "troupe/actors/file/symbols_codec.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/record_bundle.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/config/units.hpp"

namespace troupe::detail {

namespace {

/// Stands in the symbols slot of a content that is binary or not UTF-8:
/// the verdict depends on the content only, so a rerun need not read the
/// file to learn it again. Followed by the state and the detail.
constexpr std::string_view undecodable_magic = "troupe-undecodable\n";

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

/// A file's parse may use this share of its task's time: the agents that
/// read the tree, and the other files of the shard, need the rest.
constexpr double parse_share_of_task = 0.75;

/// The limits of one file's parse, and whether its time is the task's
/// (less than agents.file_timeout left of it).
struct file_limits {
  actors::parse_limits limits;
  bool task_bound = false;
};

file_limits parse_limits_for(const file_budget& budget, const file_task& task) {
  using namespace std::chrono;
  file_limits out;
  out.limits.time = duration_cast<microseconds>(budget.time);
  if (budget.task_timeout.count() > 0) {
    auto deadline = task.started
                    + duration_cast<steady_clock::duration>(budget.task_timeout
                                                            * parse_share_of_task);
    auto left = duration_cast<microseconds>(deadline - steady_clock::now());
    left = std::max(left, microseconds{1});
    if (out.limits.time.count() == 0 || left < out.limits.time) {
      out.limits.time = left;
      out.task_bound = true;
    }
  }
  out.limits.memory = budget.memory;
  out.limits.pool = budget.pool.get();
  out.limits.cancelled = task.cancelled;
  return out;
}

/// Why a parse did not finish, for the file's detail and the warning.
std::string over_budget_detail(const actors::limited_parse& parsed, const file_limits& limits,
                               const file_budget& budget) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", parsed.seconds);
  switch (parsed.outcome) {
    case actors::parse_outcome::over_time:
      if (limits.task_bound)
        return std::string{"parsing stopped after "} + seconds
               + ": its task's time (agents.task_timeout "
               + config::render_duration(budget.task_timeout) + ") ran out";
      return std::string{"parsing stopped after "} + seconds + " (agents.file_timeout "
             + config::render_duration(budget.time) + ")";
    case actors::parse_outcome::over_memory: {
      auto cap = budget.memory;
      if (budget.pool)
        cap = std::min(cap, budget.pool->capacity());
      auto text = "parsing needed more than " + config::render_size(cap)
                  + " of memory (agents.file_memory " + config::render_size(budget.memory);
      if (budget.pool)
        text += "; the parses' share of parallel.memory_limit "
                + config::render_size(budget.memory_limit) + ": "
                + config::render_size(budget.pool->capacity());
      return text + ")";
    }
    case actors::parse_outcome::cancelled:
      return "the run was cancelled while the file was parsed";
    default:
      return {};
  }
}

} // namespace

file_budget file_budget_of(const analysis_options& options) {
  const auto& settings = options.settings;
  file_budget out;
  out.time = settings.agents.file_timeout;
  out.memory = settings.agents.file_memory;
  out.task_timeout = settings.agents.task_timeout;
  out.memory_limit = settings.parallel.memory_limit;
  if (out.memory_limit > 0)
    out.pool = std::make_shared<actors::parse_memory_pool>(out.memory_limit / 4);
  return out;
}

stage_agents::stage_agents(const file_agent_list& agents, file_budget file_limits)
  : list(agents), entry_version(report_entry_version(agents)), budget(std::move(file_limits)) {
  for (const auto& a : agents)
    versions.push_back(std::to_string(a->descriptor().version));
}

cache::cache_key file_bundle_key(const cache::digest& content) {
  return cache::bundle_key(bundle_group, content);
}

file_analysis analyse_file(const std::string& root, const source_file& file,
                           std::uint64_t max_bytes, cache::tiered_cache* cache,
                           const stage_agents& stage, const cache::digest* known_digest,
                           const std::string_view* content, const file_task& task) {
  const auto& agents = stage.list;
  thread_local actors::python_parser parser;
  file_analysis out;
  out.path = file.path;
  out.bytes = file.bytes;
  if (file.name_not_utf8) {
    // Never read: its report entry (and every report) stays UTF-8.
    out.state = file_state::bad_name;
    out.detail = "the file name is not UTF-8; its path shows each such byte as \\xHH and a "
                 "backslash as \\\\";
    return out;
  }
  if (file.bytes > max_bytes) {
    out.state = file_state::too_large;
    out.detail = std::to_string(file.bytes) + " bytes, limit " + std::to_string(max_bytes);
    return out;
  }
  thread_local read_buffer buffer;
  std::string_view bytes;
  bool read = false;
  auto read_file = [&] {
    if (content) { // carried by the task: nothing to read here
      bytes = *content;
      return read = true;
    }
    if (auto err = buffer.read(root + "/" + file.path, file.bytes))
      out.detail = err.message();
    else
      read = true;
    bytes = buffer.view();
    return read;
  };
  // With the digest known (the caller read the file moments ago) and a
  // cache to answer from, the file is read again only if a record misses.
  cache::digest digest;
  if (known_digest && cache) {
    digest = *known_digest;
  } else {
    if (!read_file()) {
      out.state = file_state::unreadable;
      return out;
    }
    out.bytes = bytes.size();
    digest = cache::content_digest(bytes);
  }
  out.digest = digest.hex();
  auto started = std::chrono::steady_clock::now();
  // One lookup for every group-1 record of the file: `symbols` first, then
  // the file agents in order. L2 holds them as one bundle per file content.
  // ... and last the file's report entry (internal/report_entry.hpp).
  thread_local std::vector<cache::key_parts> parts;
  const std::size_t entry_slot = agents.size() + 1;
  parts.resize(agents.size() + 2);
  set_record_key(parts[0], actors::symbols_agent::id, actors::symbols_agent::version, digest);
  for (std::size_t i = 0; i < agents.size(); ++i)
    set_record_key(parts[i + 1], agents[i]->descriptor().id, stage.versions[i], digest);
  set_record_key(parts[entry_slot], report_entry_id, stage.entry_version, digest);
  out.records.assign(agents.size(), nullptr);
  out.record_hits.assign(agents.size(), 0);
  out.agent_seconds.assign(agents.size() + 1, 0.0);
  out.agent_failures.assign(agents.size() + 1, std::string{});
  cache::group_lookup found;
  bool agents_missing = !agents.empty();
  if (cache) {
    found = cache->get_group(file_bundle_key(digest), parts, file.path);
    const auto& symbols_found = found.members[0];
    if (symbols_found.value
        && symbols_found.value->compare(0, undecodable_magic.size(), undecodable_magic) == 0) {
      std::string_view rest = *symbols_found.value;
      rest.remove_prefix(undecodable_magic.size());
      auto nl = rest.find('\n');
      out.state = rest.substr(0, nl) == "binary" ? file_state::binary : file_state::not_utf8;
      out.detail = std::string{nl == std::string_view::npos ? std::string_view{}
                                                            : rest.substr(nl + 1)};
      out.records.clear();
      out.record_hits.clear();
      out.stage_seconds = seconds_since(started);
      return out;
    }
    if (symbols_found.decoded) {
      // Decoded by an earlier lookup in this process (only symbols_views are
      // attached under a symbols key): nothing to decode.
      out.symbols = std::static_pointer_cast<const actors::symbols_view>(symbols_found.decoded);
      out.cache_hit = true;
    } else if (symbols_found.value) {
      auto decoded = std::make_shared<actors::symbols_view>();
      if (actors::decode_symbols(*symbols_found.value, *decoded)) {
        out.symbols = decoded;
        out.cache_hit = true;
        cache->attach(symbols_found, decoded, decoded->memory_bytes());
      } else {
        out.corrupt_record = true; // checksum passed but the schema did not
      }
    }
    if (symbols_found.why_missed)
      out.why_missed = *symbols_found.why_missed;
    agents_missing = false;
    for (std::size_t i = 0; i < agents.size(); ++i) {
      out.records[i] = found.members[i + 1].value;
      out.record_hits[i] = out.records[i] != nullptr;
      agents_missing |= out.records[i] == nullptr;
    }
    out.report_entry = found.members[entry_slot].value;
    thread_local std::string entry_text;
    std::string_view head, tail;
    if (out.report_entry && !unpack_report_entry(*out.report_entry, entry_text, head, tail)) {
      out.report_entry = nullptr; // passed the checksum, not the format
      out.corrupt_record = true;
    }
  }
  // Renders the report entry when it was not cached; with a cache, stores
  // it and whatever else `values` holds that was new (one bundle write).
  auto finish_entry = [&](const cache::value_ptr& symbols_record) {
    if (!out.report_entry) {
      thread_local std::string entry;
      bool cacheable = render_report_entry(*out.symbols, out.records, agents, entry,
                                           out.agent_failures);
      for (const auto& failure : out.agent_failures)
        cacheable &= failure.empty();
      out.report_entry = cache::make_value(pack_report_entry(entry));
      if (cache) {
        std::vector<cache::value_ptr> values;
        values.reserve(parts.size());
        values.push_back(symbols_record);
        values.insert(values.end(), out.records.begin(), out.records.end());
        // An entry naming a damaged record is not stored.
        values.push_back(cacheable ? out.report_entry : nullptr);
        if (auto err = cache->put_group(found, values))
          out.cache_error = err.message();
      }
    }
    out.stage_seconds = seconds_since(started);
  };
  if (out.cache_hit && !agents_missing) {
    out.symbols_record = found.members[0].value;
    finish_entry(found.members[0].value);
    return out; // every record from the cache: no parse
  }
  if (!read) {
    // Something to compute: the content is needed after all, and it must
    // still be what the known digest says, else the keys were wrong.
    if (!read_file() || cache::content_digest(bytes) != digest)
      return analyse_file(root, file, max_bytes, cache, stage, nullptr, content, task);
    out.bytes = bytes.size();
  }
  auto source = actors::decode_python_source(bytes, max_bytes);
  out.state = state_of(source.status);
  out.encoding = source.encoding;
  out.detail = source.detail;
  if (out.state != file_state::parsed) {
    if (cache && (out.state == file_state::binary || out.state == file_state::not_utf8)) {
      // In every member's slot, so that a rerun finds the whole group.
      auto verdict = cache::make_value(std::string{undecodable_magic} + to_string(out.state)
                                       + "\n" + out.detail);
      std::vector<cache::value_ptr> values(parts.size(), verdict);
      if (auto err = cache->put_group(found, values))
        out.cache_error = err.message();
    }
    out.records.clear();
    out.record_hits.clear();
    out.agent_seconds.clear();
    out.agent_failures.clear();
    out.stage_seconds = seconds_since(started);
    return out;
  }
  // One parse serves every agent whose record was missing, within the
  // file's budget.
  auto limits = parse_limits_for(stage.budget, task);
  auto parsed = parser.parse(source.text, limits.limits);
  if (parsed.outcome == actors::parse_outcome::over_time
      || parsed.outcome == actors::parse_outcome::over_memory
      || parsed.outcome == actors::parse_outcome::cancelled) {
    // Never retried, nothing cached: skipped with the reason (or, when the
    // run was cancelled, left pending like the files it never reached).
    out.state = parsed.outcome == actors::parse_outcome::cancelled ? file_state::pending
                                                                   : file_state::over_budget;
    out.detail = over_budget_detail(parsed, limits, stage.budget);
    out.symbols = actors::no_symbols();
    out.cache_hit = false;
    out.records.clear();
    out.record_hits.clear();
    out.agent_seconds.clear();
    out.agent_failures.clear();
    out.report_entry = nullptr;
    out.parse_seconds = seconds_since(started);
    out.stage_seconds = out.parse_seconds;
    return out;
  }
  out.parse_seconds = seconds_since(started);
  auto& tree = parsed.tree;
  cache::value_ptr symbols_record = out.cache_hit ? found.members[0].value : nullptr;
  // Each agent is timed and fails on its own: a record it could not
  // compute stays null (never cached), the others are kept.
  auto run_agent = [&](std::size_t slot, auto&& analyse) {
    auto agent_started = std::chrono::steady_clock::now();
    try {
      analyse();
    } catch (const std::exception& e) {
      out.agent_failures[slot] = e.what();
    } catch (...) {
      out.agent_failures[slot] = "exception of unknown type";
    }
    out.agent_seconds[slot] = seconds_since(agent_started);
  };
  if (!out.cache_hit) {
    run_agent(0, [&] {
      std::string record;
      out.symbols = std::make_shared<const actors::symbols_view>(
        actors::view_symbols(actors::extract_symbol_record(tree, source.text), record));
      symbols_record = cache::make_value(std::move(record));
    });
  }
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (!out.records[i])
      run_agent(i + 1, [&] {
        out.records[i] = cache::make_value(agents[i]->analyse(tree, source.text));
      });
  }
  // Stores the new records; L2 gets the file's bundle rewritten once.
  out.report_entry = nullptr; // rendered from this parse's records
  out.symbols_record = symbols_record;
  finish_entry(symbols_record);
  if (cache && !out.cache_hit) {
    cache::cache_lookup stored;
    stored.key = found.members[0].key;
    stored.value = symbols_record;
    cache->attach(stored, out.symbols, out.symbols->memory_bytes());
  }
  return out;
}

} // namespace troupe::detail
