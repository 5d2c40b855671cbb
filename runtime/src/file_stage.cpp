#include "internal/file_stage.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "troupe/actors/extract_references.hpp"
#include "troupe/actors/file_agent.hpp"
#include "troupe/actors/python_parser.hpp"
#include "troupe/actors/symbols_agent.hpp"
#include "troupe/actors/symbols_codec.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/tiered_cache.hpp"

namespace troupe::detail {

namespace {

/// A per-thread read buffer that grows but is never zero-filled or freed
/// between files: fresh allocations and std::string's zero-fill cost a page
/// fault per 4 KiB and a memset, which dominated warm runs.
class read_buffer {
public:
  /// Reads the whole file; false with `error` set on failure.
  bool read(const std::string& path, std::string& error) {
    size_ = 0;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = std::strerror(errno);
      return false;
    }
    struct stat st {};
    bool ok = fstat(fd, &st) == 0;
    if (ok)
      reserve(static_cast<std::size_t>(st.st_size) + 1);
    while (ok) {
      if (size_ == capacity_)
        reserve(capacity_ * 2); // the file grew while we read it
      auto n = ::read(fd, data_.get() + size_, capacity_ - size_);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        ok = n == 0;
        if (!ok)
          error = std::strerror(errno);
        break;
      }
      size_ += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return ok;
  }

  std::string_view view() const noexcept {
    return {data_.get(), size_};
  }

private:
  void reserve(std::size_t n) {
    if (n <= capacity_)
      return;
    auto bigger = std::unique_ptr<char[]>(new char[n]); // uninitialised on purpose
    if (size_ > 0)
      std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = n;
  }

  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

file_state state_of(actors::source_status status) {
  switch (status) {
    case actors::source_status::ok: return file_state::parsed;
    case actors::source_status::binary: return file_state::binary;
    case actors::source_status::not_utf8: return file_state::not_utf8;
    case actors::source_status::too_large: return file_state::too_large;
  }
  return file_state::unreadable;
}

cache::key_parts record_key(const char* agent, std::string version,
                            const cache::digest& content) {
  cache::key_parts parts;
  parts.agent_id = agent;
  parts.agent_version = std::move(version);
  parts.grammar_version = actors::symbols_agent::grammar;
  parts.input = content;
  return parts;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// Looks up the records of the other file agents; returns their keys and
/// whether any is missing.
bool lookup_agent_records(const file_agent_list& agents, const cache::digest& content,
                          cache::tiered_cache* cache, const std::string& path,
                          file_analysis& out, std::vector<cache::cache_key>& keys) {
  bool missing = false;
  out.records.assign(agents.size(), nullptr);
  out.record_hits.assign(agents.size(), 0);
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const auto& d = agents[i]->descriptor();
    auto parts = record_key(d.id.c_str(), std::to_string(d.version), content);
    if (!cache) {
      missing = true;
      continue;
    }
    auto found = cache->get(parts, path);
    keys[i] = found.key;
    if (found) {
      out.records[i] = found.value;
      out.record_hits[i] = 1;
    } else {
      missing = true;
    }
  }
  return missing;
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
  auto symbols_parts = record_key(actors::symbols_agent::id, actors::symbols_agent::version, digest);
  cache::cache_lookup symbols_found;
  if (cache) {
    symbols_found = cache->get(symbols_parts, file.path);
    if (symbols_found && actors::decode_symbols(*symbols_found.value, out.symbols))
      out.cache_hit = true;
    else if (symbols_found)
      out.corrupt_record = true; // checksum passed but the schema did not
    if (symbols_found.why_missed)
      out.why_missed = *symbols_found.why_missed;
  }
  std::vector<cache::cache_key> keys(agents.size());
  bool agents_missing = lookup_agent_records(agents, digest, cache, file.path, out, keys);
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
  auto store = [&](const cache::cache_key& key, const std::string& agent, cache::value_ptr value) {
    if (!cache)
      return;
    auto err = cache->put(key, agent, value);
    if (err && out.cache_error.empty())
      out.cache_error = err.message();
  };
  if (!out.cache_hit) {
    out.symbols = actors::extract_symbol_record(tree, source.text);
    store(symbols_found.key, symbols_parts.agent_id,
          cache::make_value(actors::encode_symbols(out.symbols)));
  }
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (out.records[i])
      continue;
    out.records[i] = cache::make_value(agents[i]->analyse(tree, source.text));
    store(keys[i], agents[i]->descriptor().id, out.records[i]);
  }
  out.stage_seconds = seconds_since(started);
  return out;
}

} // namespace troupe::detail
