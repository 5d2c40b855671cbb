#include "troupe/cache/key_history.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "byte_io.hpp"
#include "l2_files.hpp"

namespace troupe::cache {

using namespace detail;

namespace {

constexpr char magic[8] = {'T', 'R', 'P', 'K', 'H', 'I', 'S', 'T'};
constexpr std::uint32_t format_version = 2;
constexpr std::size_t header_size = 32;
constexpr std::size_t checksum_offset = 24;
constexpr std::size_t counts_size = 16;
constexpr std::size_t row_size = 72;
constexpr std::size_t upstream_size = 24;
constexpr std::string_view old_text_magic = "troupe-key-history 1\n";

/// The slot of (agent, input): the XXH3-128 of both, length-prefixed.
digest slot_of(std::string_view agent, std::string_view input) noexcept {
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  unsigned char len[8];
  put_u64(len, agent.size());
  XXH3_128bits_update(&state, len, sizeof(len));
  XXH3_128bits_update(&state, agent.data(), agent.size());
  XXH3_128bits_update(&state, input.data(), input.size());
  auto h = XXH3_128bits_digest(&state);
  return digest{h.high64, h.low64};
}

std::uint64_t checksum(const unsigned char* header, std::string_view body) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, header, checksum_offset);
  XXH3_64bits_update(&state, body.data(), body.size());
  return XXH3_64bits_digest(&state);
}

digest get_digest(const unsigned char* in) noexcept {
  return digest{get_u64(in), get_u64(in + 8)};
}

void put_digest(unsigned char* out, const digest& x) noexcept {
  put_u64(out, x.high);
  put_u64(out + 8, x.low);
}

} // namespace

std::uint32_t key_history::intern(std::string_view text) {
  if (auto i = string_index_.find(text); i != string_index_.end())
    return i->second;
  auto index = static_cast<std::uint32_t>(strings_.size());
  strings_.emplace_back(text);
  string_index_.emplace(strings_.back(), index);
  return index;
}

key_history::packed_parts key_history::pack(const key_parts& parts) {
  packed_parts out;
  out.agent_id = intern(parts.agent_id);
  out.agent_version = intern(parts.agent_version);
  out.grammar_version = intern(parts.grammar_version);
  out.settings = intern(parts.settings);
  out.input = parts.input;
  out.upstream_begin = static_cast<std::uint32_t>(upstream_.size());
  out.upstream_count = static_cast<std::uint32_t>(parts.upstream.size());
  for (const auto& up : parts.upstream)
    upstream_.push_back(packed_upstream{intern(up.name), up.value});
  return out;
}

key_parts key_history::unpack(const packed_parts& p) const {
  key_parts out;
  out.agent_id = strings_[p.agent_id];
  out.agent_version = strings_[p.agent_version];
  out.grammar_version = strings_[p.grammar_version];
  out.settings = strings_[p.settings];
  out.input = p.input;
  for (std::uint32_t i = 0; i < p.upstream_count; ++i) {
    const auto& up = upstream_[p.upstream_begin + i];
    out.upstream.push_back(upstream_digest{strings_[up.name], up.value});
  }
  return out;
}

std::ptrdiff_t key_history::find_row(const digest& slot) const noexcept {
  const auto* rows = base_ + rows_offset_;
  std::size_t lo = 0;
  std::size_t hi = row_count_;
  while (lo < hi) {
    auto mid = lo + (hi - lo) / 2;
    auto x = get_digest(rows + mid * row_size);
    if (x == slot)
      return static_cast<std::ptrdiff_t>(mid);
    if (x < slot)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

cache_key key_history::row_key(std::size_t row) const noexcept {
  return cache_key{get_digest(base_ + rows_offset_ + row * row_size + 16)};
}

key_parts key_history::row_parts(std::size_t row) const {
  const auto* r = base_ + rows_offset_ + row * row_size;
  key_parts out;
  out.input = get_digest(r + 32);
  out.agent_id = strings_[file_strings_[get_u32(r + 48)]];
  out.agent_version = strings_[file_strings_[get_u32(r + 52)]];
  out.grammar_version = strings_[file_strings_[get_u32(r + 56)]];
  out.settings = strings_[file_strings_[get_u32(r + 60)]];
  auto first = get_u32(r + 64);
  auto count = get_u32(r + 68);
  const auto* up = base_ + upstream_offset_ + std::size_t{first} * upstream_size;
  for (std::uint32_t i = 0; i < count; ++i, up += upstream_size)
    out.upstream.push_back(
      upstream_digest{strings_[file_strings_[get_u32(up)]], get_digest(up + 8)});
  return out;
}

std::optional<std::vector<std::string>>
key_history::remember(std::string_view agent, std::string_view input,
                      const key_parts& parts, const cache_key& key,
                      bool missed) {
  auto slot = slot_of(agent, input);
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto i = changed_.find(slot); i != changed_.end()) {
    std::optional<std::vector<std::string>> why;
    if (missed)
      why = diff_key_parts(unpack(i->second.parts), parts);
    if (i->second.key != key) {
      i->second = entry{key, pack(parts)};
      dirty_ = true;
    }
    return why;
  }
  auto row = find_row(slot);
  if (row < 0) {
    changed_.emplace(slot, entry{key, pack(parts)});
    ++added_;
    dirty_ = true;
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> why;
  if (missed)
    why = diff_key_parts(row_parts(static_cast<std::size_t>(row)), parts);
  if (row_key(static_cast<std::size_t>(row)) != key) {
    changed_.emplace(slot, entry{key, pack(parts)});
    dirty_ = true;
  }
  return why;
}

std::optional<key_parts> key_history::last_locked(const digest& slot) const {
  if (auto i = changed_.find(slot); i != changed_.end())
    return unpack(i->second.parts);
  if (auto row = find_row(slot); row >= 0)
    return row_parts(static_cast<std::size_t>(row));
  return std::nullopt;
}

std::optional<key_parts> key_history::last(std::string_view agent,
                                           std::string_view input) const {
  auto slot = slot_of(agent, input);
  std::lock_guard<std::mutex> guard{mtx_};
  return last_locked(slot);
}

std::size_t key_history::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return row_count_ + added_;
}

cache_error key_history::save(const std::string& path) {
  std::string out;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!dirty_ && path == source_path_)
      return {}; // the file already says all this (a warm run)
    // Rows: the file's, merged with the changed entries, by slot.
    std::vector<std::pair<digest, const entry*>> changed;
    changed.reserve(changed_.size());
    for (const auto& [slot, x] : changed_)
      changed.emplace_back(slot, &x);
    std::sort(changed.begin(), changed.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    // Only strings that rows still use are written, renumbered.
    std::vector<std::uint32_t> renumber(strings_.size(), UINT32_MAX);
    std::vector<std::uint32_t> out_strings;
    auto use = [&](std::uint32_t mem) {
      if (renumber[mem] == UINT32_MAX) {
        renumber[mem] = static_cast<std::uint32_t>(out_strings.size());
        out_strings.push_back(mem);
      }
      return renumber[mem];
    };
    std::string rows;
    std::string ups;
    rows.reserve((row_count_ + added_) * row_size);
    unsigned char row[row_size];
    unsigned char up[upstream_size] = {};
    auto add_row = [&](const digest& slot, const cache_key& key, const digest& input,
                       const std::uint32_t (&names)[4], auto&& upstream, std::uint32_t count) {
      put_digest(row, slot);
      put_digest(row + 16, key.value());
      put_digest(row + 32, input);
      for (int i = 0; i < 4; ++i)
        put_u32(row + 48 + 4 * i, use(names[i]));
      put_u32(row + 64, static_cast<std::uint32_t>(ups.size() / upstream_size));
      put_u32(row + 68, count);
      rows.append(reinterpret_cast<const char*>(row), row_size);
      for (std::uint32_t i = 0; i < count; ++i) {
        auto [name, value] = upstream(i);
        put_u32(up, use(name));
        put_u32(up + 4, 0);
        put_digest(up + 8, value);
        ups.append(reinterpret_cast<const char*>(up), upstream_size);
      }
    };
    auto add_changed = [&](const digest& slot, const entry& x) {
      const auto& p = x.parts;
      std::uint32_t names[4] = {p.agent_id, p.agent_version, p.grammar_version, p.settings};
      add_row(slot, x.key, p.input, names,
              [&](std::uint32_t i) {
                const auto& u = upstream_[p.upstream_begin + i];
                return std::pair<std::uint32_t, digest>{u.name, u.value};
              },
              p.upstream_count);
    };
    auto add_file_row = [&](std::size_t r) {
      const auto* src = base_ + rows_offset_ + r * row_size;
      std::uint32_t names[4];
      for (int i = 0; i < 4; ++i)
        names[i] = file_strings_[get_u32(src + 48 + 4 * i)];
      const auto* first = base_ + upstream_offset_
                          + std::size_t{get_u32(src + 64)} * upstream_size;
      add_row(get_digest(src), cache_key{get_digest(src + 16)}, get_digest(src + 32), names,
              [&](std::uint32_t i) {
                const auto* u = first + std::size_t{i} * upstream_size;
                return std::pair<std::uint32_t, digest>{file_strings_[get_u32(u)],
                                                        get_digest(u + 8)};
              },
              get_u32(src + 68));
    };
    std::size_t r = 0;
    for (const auto& [slot, x] : changed) {
      for (; r < row_count_; ++r) {
        auto file_slot = get_digest(base_ + rows_offset_ + r * row_size);
        if (!(file_slot < slot))
          break;
        add_file_row(r);
      }
      if (r < row_count_ && get_digest(base_ + rows_offset_ + r * row_size) == slot)
        ++r; // superseded by the changed entry
      add_changed(slot, *x);
    }
    for (; r < row_count_; ++r)
      add_file_row(r);
    // Assemble header, counts, strings, rows and upstream digests.
    std::string body(counts_size, '\0');
    auto* counts = reinterpret_cast<unsigned char*>(body.data());
    put_u32(counts, static_cast<std::uint32_t>(out_strings.size()));
    put_u32(counts + 4, static_cast<std::uint32_t>(rows.size() / row_size));
    put_u32(counts + 8, static_cast<std::uint32_t>(ups.size() / upstream_size));
    for (auto mem : out_strings) {
      unsigned char len[4];
      put_u32(len, static_cast<std::uint32_t>(strings_[mem].size()));
      body.append(reinterpret_cast<const char*>(len), sizeof(len));
      body += strings_[mem];
    }
    body += rows;
    body += ups;
    out.assign(header_size, '\0');
    auto* h = reinterpret_cast<unsigned char*>(out.data());
    std::memcpy(h, magic, sizeof(magic));
    put_u32(h + 8, format_version);
    put_u64(h + 16, body.size());
    put_u64(h + checksum_offset, checksum(h, body));
    out += body;
  }
  if (int err = replace_file(path, out))
    return cache_error{errc::unreadable_input, err,
                       "cannot write key history " + path + ": " + detail::errno_text(err)};
  // The next save to this path can be skipped unless something changes.
  // (The rows stay those of the old bytes plus `changed_`: the same set.)
  std::lock_guard<std::mutex> guard{mtx_};
  source_path_ = path;
  dirty_ = false;
  return {};
}

void key_history::reset_locked() {
  strings_.clear();
  string_index_.clear();
  upstream_.clear();
  changed_.clear();
  release_file_locked();
  rows_offset_ = upstream_offset_ = row_count_ = 0;
  file_strings_.clear();
  added_ = 0;
  source_path_.clear();
  dirty_ = false;
}

// Checks the loaded file (base_, size_) and indexes its rows; nullptr or
// why not.
const char* key_history::adopt_locked() {
  if (size_ < header_size + counts_size)
    return "truncated";
  const auto* h = base_;
  if (std::memcmp(h, magic, sizeof(magic)) != 0)
    return "bad magic";
  if (get_u32(h + 8) != format_version)
    return "unsupported version";
  if (get_u64(h + 16) != size_ - header_size)
    return "bad length";
  std::string_view body{reinterpret_cast<const char*>(base_) + header_size, size_ - header_size};
  if (checksum(h, body) != get_u64(h + checksum_offset))
    return "checksum mismatch";
  const auto* b = reinterpret_cast<const unsigned char*>(body.data());
  auto string_count = get_u32(b);
  std::size_t rows = get_u32(b + 4);
  std::size_t ups = get_u32(b + 8);
  std::size_t at = counts_size;
  std::vector<std::uint32_t> mapped;
  mapped.reserve(string_count);
  for (std::uint32_t i = 0; i < string_count; ++i) {
    if (body.size() - at < 4)
      return "truncated";
    auto len = get_u32(b + at);
    at += 4;
    if (body.size() - at < len)
      return "truncated";
    mapped.push_back(intern(body.substr(at, len)));
    at += len;
  }
  if ((body.size() - at) != rows * row_size + ups * upstream_size)
    return "bad counts";
  // Validate every index once, so that lookups need not.
  const auto* row = b + at;
  for (std::size_t r = 0; r < rows; ++r, row += row_size) {
    for (int i = 0; i < 4; ++i)
      if (get_u32(row + 48 + 4 * i) >= string_count)
        return "bad string index";
    std::uint64_t first = get_u32(row + 64);
    if (first + get_u32(row + 68) > ups)
      return "bad upstream range";
    if (r > 0 && !(get_digest(row - row_size) < get_digest(row)))
      return "rows out of order";
  }
  for (std::size_t u = 0; u < ups; ++u)
    if (get_u32(b + at + rows * row_size + u * upstream_size) >= string_count)
      return "bad string index";
  rows_offset_ = header_size + at;
  upstream_offset_ = rows_offset_ + rows * row_size;
  row_count_ = rows;
  file_strings_ = std::move(mapped);
  return nullptr;
}

void key_history::release_file_locked() {
  if (map_ != nullptr)
    ::munmap(map_, size_);
  map_ = nullptr;
  owned_.clear();
  owned_.shrink_to_fit();
  base_ = nullptr;
  size_ = 0;
}

key_history::~key_history() {
  release_file_locked();
}

cache_error key_history::load(const std::string& path) {
  std::lock_guard<std::mutex> guard{mtx_};
  reset_locked();
  // Mapped, not read: the rows are used in place and only the pages that
  // lookups touch are faulted in (from the page cache, no copy). A writer
  // replaces the file by rename, so the mapping never changes under us.
  int err = 0;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0)
    err = errno;
  if (err == 0 && st.st_size > 0) {
    size_ = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      map_ = map;
      base_ = static_cast<const unsigned char*>(map);
    } else {
      // A file system without mmap: read it instead.
      owned_.resize(size_);
      std::size_t done = 0;
      while (done < size_) {
        auto n = ::pread(fd, owned_.data() + done, size_ - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0)
          break;
        done += static_cast<std::size_t>(n);
      }
      owned_.resize(done);
      size_ = done;
      base_ = reinterpret_cast<const unsigned char*>(owned_.data());
    }
  }
  if (fd >= 0)
    ::close(fd);
  if (err == ENOENT) {
    source_path_ = path;
    return {};
  }
  if (err != 0)
    return cache_error{errc::unreadable_input, err,
                       "cannot read key history " + path + ": "
                         + detail::errno_text(err)};
  std::string_view head{reinterpret_cast<const char*>(base_), size_};
  if (head.substr(0, old_text_magic.size()) == old_text_magic) {
    reset_locked();
    dirty_ = true; // an older troupe's text history: start afresh, rewrite
    return {};
  }
  if (const char* why = adopt_locked()) {
    reset_locked();
    dirty_ = true;
    return cache_error{errc::corrupt_record, 0,
                       "malformed key history " + path + " (" + why + ")"};
  }
  source_path_ = path;
  return {};
}

} // namespace troupe::cache
