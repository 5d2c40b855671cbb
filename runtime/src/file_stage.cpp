#include "internal/file_stage.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string_view>

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
