// The folder-wide operations of l2_store: open, verify, clear and gc.
#include "troupe/cache/l2_store.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <functional>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "l2_files.hpp"
#include "l2_record.hpp"
#include "troupe/cache/record_bundle.hpp"

namespace troupe::cache {

using namespace detail;

namespace {

bool is_fanout_name(const char* name) {
  auto hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  };
  return hex(name[0]) && hex(name[1]) && name[2] == '\0';
}

// Calls `fn(path, name, stat)` for every entry (lstat: symlinks are not
// followed) in the fan-out folders of `root`; entries vanishing meanwhile
// (other processes) are skipped. Fan-out names that are no folder are
// passed as well, with an empty `name`.
void for_each_entry(const std::string& root,
                    const std::function<void(const std::string&,
                                             std::string_view,
                                             const struct stat&)>& fn) {
  DIR* top = ::opendir(root.c_str());
  if (top == nullptr)
    return;
  while (auto* sub = ::readdir(top)) {
    if (!is_fanout_name(sub->d_name))
      continue;
    auto dir = root + '/' + sub->d_name;
    struct stat dst;
    if (::fstatat(::dirfd(top), sub->d_name, &dst, AT_SYMLINK_NOFOLLOW) != 0)
      continue;
    if (!S_ISDIR(dst.st_mode)) {
      fn(dir, {}, dst);
      continue;
    }
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr)
      continue;
    while (auto* e = ::readdir(d)) {
      std::string_view name{e->d_name};
      if (name == "." || name == "..")
        continue;
      // Relative to the open folder: one path component to resolve.
      struct stat st;
      if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        fn(dir + '/' + e->d_name, name, st);
    }
    ::closedir(d);
  }
  ::closedir(top);
}

// statfs(2) f_type values (linux/magic.h): ext4 (ext2 and ext3 share it;
// ext2 has no journal, but a record that does not survive a crash there
// fails its checksum, a miss, never a wrong result) and xfs.
constexpr unsigned long ext4_magic = 0xEF53;
constexpr unsigned long xfs_magic = 0x58465342;

bool is_record_file(std::string_view name) {
  return name.size() > 4 && name.substr(name.size() - 4) == ".rec";
}

} // namespace

cache_error l2_store::open() {
  if (int err = make_dirs(options_.directory))
    return cache_error{errc::unreadable_input, err,
                       "cannot create cache folder " + options_.directory
                         + ": " + errno_text(err)};
  struct statfs fs;
  auto type = ::statfs(options_.directory.c_str(), &fs) == 0
                ? static_cast<unsigned long>(fs.f_type) : 0ul;
  ordered_journal_ = type == ext4_magic || type == xfs_magic;
  if (options_.index_max_age.count() == 0 || !load_index())
    rescan();
  return {};
}

l2_store::scan_result l2_store::rescan() {
  struct found {
    cache_key key;
    std::uint64_t size;
    struct timespec mtime;
  };
  std::vector<found> records;
  std::uint64_t healed = 0;
  for_each_entry(options_.directory,
                 [&](const std::string& path, std::string_view name,
                     const struct stat& st) {
                   if (name.empty() || !S_ISREG(st.st_mode)) {
                     // A folder, symlink or device where a record or a
                     // fan-out folder belongs: removed, counted as corrupt.
                     if ((name.empty() || parse_record_name(name)) && remove_entry(path) == 0)
                       ++healed;
                   } else if (is_temp_name(name)) {
                     remove_stale_temp(path, st.st_mtime);
                   } else if (auto key = parse_record_name(name)) {
                     records.push_back(found{
                       *key, static_cast<std::uint64_t>(st.st_size), st.st_mtim});
                   }
                 });
  // Oldest first, so that pushing each to the front leaves the most
  // recently used record at the front.
  std::sort(records.begin(), records.end(), [](auto& x, auto& y) {
    return x.mtime.tv_sec != y.mtime.tv_sec ? x.mtime.tv_sec < y.mtime.tv_sec
                                            : x.mtime.tv_nsec < y.mtime.tv_nsec;
  });
  std::lock_guard<std::mutex> guard{mtx_};
  stats_.corrupt += healed;
  index_.clear();
  lru_.clear();
  stats_.bytes = 0;
  stats_.entries = 0;
  for (auto& x : records)
    note_present(x.key, x.size);
  listed_at_ = static_cast<std::int64_t>(std::time(nullptr));
  index_dirty_ = true;
  return scan_result{stats_.entries, stats_.bytes};
}

void l2_store::remove_stale_temp(const std::string& path, std::int64_t mtime) {
  // Another live process may be writing this file right now: only remove
  // it when its writer is dead or it has not been touched for a long time.
  auto age = std::time(nullptr) - mtime;
  bool stale = age >= options_.stale_temp_age.count();
  if (!stale) {
    auto slash = path.find_last_of('/');
    auto writer = parse_temp_name(std::string_view{path}.substr(slash + 1));
    stale = !writer || (writer->same_host && !process_alive(writer->pid));
  }
  if (stale && ::unlink(path.c_str()) == 0) {
    std::lock_guard<std::mutex> guard{mtx_};
    ++stats_.stale_temps_removed;
  }
}

l2_verify_report l2_store::verify(bool remove_bad) {
  l2_verify_report report;
  if (remove_bad)
    ::unlink(index_path().c_str()); // the next open lists the folder
  std::string payload;
  for_each_entry(options_.directory, [&](const std::string& path,
                                         std::string_view name,
                                         const struct stat& st) {
    if (name.empty()) { // a fan-out name that is no folder
      report.bad.push_back(l2_bad_record{path, "not a folder"});
      if (remove_bad && remove_entry(path) == 0)
        ++report.removed;
      return;
    }
    if (!is_record_file(name))
      return;
    ++report.records;
    const char* bad = nullptr;
    auto key = parse_record_name(name);
    if (!key) {
      bad = "bad name";
    } else if (!S_ISREG(st.st_mode)) {
      bad = "not a regular file";
    } else if (int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW); fd < 0) {
      if (errno == ENOENT) { // evicted meanwhile by another process
        --report.records;
        return;
      }
      bad = "unreadable";
    } else {
      struct stat now;
      if (::fstat(fd, &now) != 0) {
        bad = "unreadable";
      } else {
        auto size = static_cast<std::uint64_t>(now.st_size);
        payload.resize(size >= l2_header_size ? size - l2_header_size : 0);
        bad = read_l2_record(fd, size, *key, payload.data());
      }
      if (bad == nullptr && is_bundle(payload))
        bad = check_bundle(payload);
      ::close(fd);
    }
    if (bad == nullptr) {
      ++report.intact;
      report.bytes += static_cast<std::uint64_t>(st.st_size);
      return;
    }
    report.bad.push_back(l2_bad_record{path, bad});
    if (remove_bad && remove_entry(path) == 0) {
      ++report.removed;
      if (key) {
        std::lock_guard<std::mutex> guard{mtx_};
        forget(*key);
      }
    }
  });
  return report;
}

cache_error l2_store::clear() {
  ::unlink(index_path().c_str());
  int first_err = 0;
  std::string first_path;
  for_each_entry(options_.directory, [&](const std::string& path,
                                         std::string_view name,
                                         const struct stat& st) {
    if (is_temp_name(name) && S_ISREG(st.st_mode)) {
      remove_stale_temp(path, st.st_mtime);
      return;
    }
    // Records, and whatever took a record's or a fan-out folder's place.
    if (!name.empty() && !is_record_file(name))
      return;
    if (int err = remove_entry(path); err != 0 && err != ENOENT && first_err == 0) {
      first_err = err;
      first_path = path;
    }
  });
  {
    std::lock_guard<std::mutex> guard{mtx_};
    index_.clear();
    lru_.clear();
    stats_.bytes = 0;
    stats_.entries = 0;
  }
  if (first_err != 0)
    return cache_error{errc::unreadable_input, first_err,
                       "cannot remove cache record " + first_path + ": "
                         + errno_text(first_err)};
  return {};
}

l2_gc_report l2_store::gc(std::uint64_t max_bytes) {
  l2_gc_report report;
  ::unlink(index_path().c_str()); // the next open lists the folder
  auto before = rescan();
  report.records_before = before.records;
  report.bytes_before = before.bytes;
  std::lock_guard<std::mutex> guard{mtx_};
  auto evictions = stats_.evictions;
  evict_to(max_bytes, nullptr);
  report.removed = stats_.evictions - evictions;
  report.records_after = stats_.entries;
  report.bytes_after = stats_.bytes;
  return report;
}

} // namespace troupe::cache
