// The L2 store's saved record index (see l2_options::index_max_age): the
// keys and sizes of the records, most recently used first, so that opening
// a large cache folder does not stat every record.
//
// Layout (little endian):
//   0  magic "TRPL2IDX"               8 bytes
//   8  format version                 u32
//  12  reserved (0)                   u32
//  16  when the folder was last listed, unix seconds   u64
//  24  record count n                 u64
//  32  n x (key high u64, key low u64, file size u64)
//  ..  XXH3-64 of every byte before it
#include "troupe/cache/l2_store.hpp"

#include <cstring>
#include <ctime>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "byte_io.hpp"
#include "l2_files.hpp"

namespace troupe::cache {

using namespace detail;

namespace {

constexpr char index_magic[8] = {'T', 'R', 'P', 'L', '2', 'I', 'D', 'X'};
constexpr std::uint32_t index_version = 1;
constexpr std::size_t index_head = 32;
constexpr std::size_t index_row = 24;

} // namespace

std::string l2_store::index_path() const {
  return options_.directory + "/index";
}

bool l2_store::load_index() {
  int fd = ::open(index_path().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  std::string bytes;
  struct stat st;
  bool read = ::fstat(fd, &st) == 0 && st.st_size >= static_cast<off_t>(index_head + 8);
  if (read) {
    bytes.resize(static_cast<std::size_t>(st.st_size));
    read = ::pread(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size());
  }
  ::close(fd);
  if (!read)
    return false;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  auto body = bytes.size() - 8;
  auto count = get_u64(p + 24);
  if (std::memcmp(p, index_magic, sizeof(index_magic)) != 0 || get_u32(p + 8) != index_version
      || count > (body - index_head) / index_row || index_head + count * index_row != body
      || XXH3_64bits(p, body) != get_u64(p + body))
    return false; // damaged or foreign: the folder is listed instead
  auto listed_at = static_cast<std::int64_t>(get_u64(p + 16));
  auto age = static_cast<std::int64_t>(std::time(nullptr)) - listed_at;
  if (age < 0 || age >= options_.index_max_age.count())
    return false; // too old a listing to go on from
  std::lock_guard<std::mutex> guard{mtx_};
  index_.clear();
  lru_.clear();
  stats_.bytes = 0;
  stats_.entries = 0;
  // Most recently used first in the file: pushed to the front in reverse.
  for (auto i = count; i-- > 0;) {
    const auto* row = p + index_head + i * index_row;
    note_present(cache_key{digest{get_u64(row), get_u64(row + 8)}}, get_u64(row + 16));
  }
  listed_at_ = listed_at;
  index_dirty_ = false;
  return true;
}

void l2_store::save_index() {
  std::string bytes;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!index_dirty_)
      return;
    bytes.resize(index_head + lru_.size() * index_row + 8);
    auto* p = reinterpret_cast<unsigned char*>(bytes.data());
    std::memcpy(p, index_magic, sizeof(index_magic));
    put_u32(p + 8, index_version);
    put_u32(p + 12, 0);
    put_u64(p + 16, static_cast<std::uint64_t>(listed_at_));
    put_u64(p + 24, lru_.size());
    auto* row = p + index_head;
    for (const auto& key : lru_) {
      put_u64(row, key.value().high);
      put_u64(row + 8, key.value().low);
      put_u64(row + 16, index_.at(key).size);
      row += index_row;
    }
    index_dirty_ = false;
  }
  auto* p = reinterpret_cast<unsigned char*>(bytes.data());
  auto body = bytes.size() - 8;
  put_u64(p + body, XXH3_64bits(p, body));
  // A hint, not a record: a lost index only means the next open lists
  // the folder.
  (void) replace_file(index_path(), bytes);
}

} // namespace troupe::cache
