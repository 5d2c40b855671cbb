#include "troupe/analysis/internal/digest_memo.hpp"

#include <chrono>
#include <cstring>
#include <unordered_set>

#include <xxhash.h>

#include "troupe/analysis/internal/read_buffer.hpp"
#include "troupe/cache/hint_file.hpp"

namespace troupe::detail {

namespace {

constexpr char magic[8] = {'T', 'R', 'P', 'D', 'G', 'M', '0', '1'};
/// Key, device, inode, size, mtime, ctime, content digest.
constexpr std::size_t row_bytes = 16 + 5 * 8 + 16;
/// A memo of a root's files is at most this large (4 million files).
constexpr std::uint64_t max_rows = 1u << 22;
/// Files changed this recently before they were read are not remembered.
constexpr std::int64_t racy_window_ns = 1'000'000'000;

cache::digest key_of(const std::string& path) {
  return cache::content_digest(path);
}

// The file is a local hint: numbers in the machine's byte order.
template <class T>
void put(std::string& out, const T& x) {
  out.append(reinterpret_cast<const char*>(&x), sizeof x);
}

template <class T>
bool get(std::string_view& in, T& x) {
  if (in.size() < sizeof x)
    return false;
  std::memcpy(&x, in.data(), sizeof x);
  in.remove_prefix(sizeof x);
  return true;
}

bool get_digest(std::string_view& in, cache::digest& d) {
  return get(in, d.high) && get(in, d.low);
}

} // namespace

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

bool digest_memo::same_identity(const row& r, const source_file& f) noexcept {
  return r.device == f.device && r.inode == f.inode && r.size == f.bytes
         && r.mtime_ns == f.mtime_ns && r.ctime_ns == f.ctime_ns;
}

digest_memo digest_memo::load(const std::string& path, const std::string& root) {
  digest_memo out;
  out.root_ = root;
  read_buffer file;
  if (file.read(path))
    return out;
  auto bytes = file.view();
  if (bytes.size() < sizeof magic + sizeof(std::uint64_t)
      || std::memcmp(bytes.data(), magic, sizeof magic) != 0)
    return out;
  auto body = bytes.substr(0, bytes.size() - sizeof(std::uint64_t));
  std::uint64_t checksum = 0;
  std::memcpy(&checksum, bytes.data() + body.size(), sizeof checksum);
  if (XXH3_64bits(body.data(), body.size()) != checksum)
    return out;
  auto in = body.substr(sizeof magic);
  std::uint32_t root_size = 0;
  std::uint64_t count = 0;
  if (!get(in, root_size) || in.size() < root_size || in.substr(0, root_size) != root)
    return out;
  in.remove_prefix(root_size);
  if (!get(in, count) || count > max_rows || in.size() != count * row_bytes)
    return out;
  out.rows_.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    cache::digest key;
    row r;
    (void) (get_digest(in, key) && get(in, r.device) && get(in, r.inode) && get(in, r.size)
            && get(in, r.mtime_ns) && get(in, r.ctime_ns) && get_digest(in, r.content));
    out.rows_.emplace(key, r);
  }
  return out;
}

std::optional<cache::digest> digest_memo::find(const source_file& file) const {
  if (rows_.empty())
    return std::nullopt;
  auto it = rows_.find(key_of(file.path));
  if (it == rows_.end() || !same_identity(it->second, file))
    return std::nullopt;
  return it->second.content;
}

void digest_memo::remember(const source_file& file, const cache::digest& content,
                           std::int64_t read_at_ns) {
  auto key = key_of(file.path);
  if (file.mtime_ns > read_at_ns - racy_window_ns || file.ctime_ns > read_at_ns - racy_window_ns) {
    // Changed just before it was read: a later write in the same tick
    // would keep this identity. Read again next time.
    changed_ |= rows_.erase(key) > 0;
    return;
  }
  auto it = rows_.find(key);
  if (it != rows_.end() && same_identity(it->second, file) && it->second.content == content)
    return; // remembered as it is
  rows_[key] = row{file.device, file.inode, file.bytes, file.mtime_ns, file.ctime_ns, content};
  changed_ = true;
}

bool digest_memo::keep_only(const std::vector<source_file>& files) {
  if (rows_.size() > files.size() || changed_) {
    std::unordered_set<cache::digest, cache::digest_hash> present;
    present.reserve(files.size());
    for (const auto& f : files)
      present.insert(key_of(f.path));
    for (auto it = rows_.begin(); it != rows_.end();) {
      if (present.count(it->first) == 0) {
        it = rows_.erase(it);
        changed_ = true;
      } else {
        ++it;
      }
    }
  }
  return changed_;
}

bool digest_memo::save(const std::string& path) const {
  std::string out;
  out.reserve(sizeof magic + 16 + root_.size() + rows_.size() * row_bytes);
  out.append(magic, sizeof magic);
  put(out, static_cast<std::uint32_t>(root_.size()));
  out += root_;
  put(out, static_cast<std::uint64_t>(rows_.size()));
  for (const auto& [key, r] : rows_) {
    put(out, key.high);
    put(out, key.low);
    put(out, r.device);
    put(out, r.inode);
    put(out, r.size);
    put(out, r.mtime_ns);
    put(out, r.ctime_ns);
    put(out, r.content.high);
    put(out, r.content.low);
  }
  put(out, static_cast<std::uint64_t>(XXH3_64bits(out.data(), out.size())));
  return cache::replace_file(path, out) == 0;
}

} // namespace troupe::detail
