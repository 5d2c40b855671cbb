#include "internal/file_stage.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "troupe/actors/extract_symbols.hpp"
#include "troupe/actors/python_parser.hpp"
#include "troupe/actors/symbols_agent.hpp"
#include "troupe/actors/symbols_codec.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/tiered_cache.hpp"

namespace troupe::detail {

namespace {

/// Reads a whole file with one allocation; false with `error` on failure.
bool read_file(const std::string& path, std::string& bytes, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat st {};
  bool ok = fstat(fd, &st) == 0;
  bytes.resize(ok ? static_cast<std::size_t>(st.st_size) : 0);
  std::size_t got = 0;
  while (ok) {
    if (got == bytes.size())
      bytes.resize(bytes.size() + 4096); // the file grew while we read it
    auto n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = std::strerror(errno);
      ok = false;
    } else if (n == 0) {
      break;
    } else {
      got += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
  bytes.resize(got);
  return ok;
}

file_state state_of(actors::source_status status) {
  switch (status) {
    case actors::source_status::ok: return file_state::parsed;
    case actors::source_status::binary: return file_state::binary;
    case actors::source_status::not_utf8: return file_state::not_utf8;
    case actors::source_status::too_large: return file_state::too_large;
  }
  return file_state::unreadable;
}

cache::key_parts symbols_key(const cache::digest& content) {
  cache::key_parts parts;
  parts.agent_id = actors::symbols_agent::id;
  parts.agent_version = actors::symbols_agent::version;
  parts.grammar_version = actors::symbols_agent::grammar;
  parts.input = content;
  return parts;
}

} // namespace

file_analysis analyse_file(const std::string& root, const source_file& file,
                           std::uint64_t max_bytes, cache::tiered_cache* cache) {
  thread_local actors::python_parser parser;
  file_analysis out;
  out.path = file.path;
  out.bytes = file.bytes;
  if (file.bytes > max_bytes) {
    out.state = file_state::too_large;
    out.detail = std::to_string(file.bytes) + " bytes, limit " + std::to_string(max_bytes);
    return out;
  }
  std::string bytes;
  if (!read_file(root + "/" + file.path, bytes, out.detail)) {
    out.state = file_state::unreadable;
    return out;
  }
  out.bytes = bytes.size();
  auto digest = cache::content_digest(bytes);
  out.digest = digest.hex();
  auto started = std::chrono::steady_clock::now();
  auto parts = symbols_key(digest);
  cache::cache_lookup found;
  if (cache) {
    found = cache->get(parts, file.path);
    if (found && actors::decode_symbols(*found.value, out.symbols)) {
      out.cache_hit = true;
      out.stage_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                                        - started).count();
      return out;
    }
    if (found)
      out.corrupt_record = true; // checksum passed but the schema did not
    if (found.why_missed)
      out.why_missed = *found.why_missed;
  }
  auto source = actors::decode_python_source(bytes, max_bytes);
  out.state = state_of(source.status);
  out.encoding = source.encoding;
  out.detail = source.detail;
  if (out.state == file_state::parsed) {
    auto tree = parser.parse(source.text);
    out.symbols = actors::extract_symbols(tree, source.text);
    if (cache)
      out.cache_error =
        cache->put(found.key, parts.agent_id, cache::make_value(actors::encode_symbols(out.symbols)))
          .message();
  }
  out.stage_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

} // namespace troupe::detail
