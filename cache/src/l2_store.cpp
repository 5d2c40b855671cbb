#include "troupe/cache/l2_store.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "cache_log.hpp"

#include "l2_files.hpp"
#include "l2_record.hpp"

namespace troupe::cache {

using namespace detail;

l2_store::l2_store(l2_options options) : options_(std::move(options)) {
  while (options_.directory.size() > 1 && options_.directory.back() == '/')
    options_.directory.pop_back();
}

char* l2_read_buffer::reserve(std::size_t n) {
  if (n > capacity_) {
    // Uninitialised on purpose: the read overwrites it.
    data_.reset(new char[n]);
    capacity_ = n;
  }
  size_ = n;
  return data_.get();
}

const char* l2_store::take_out(const cache_key& key, const std::string& path, const char* why) {
  int err = remove_entry(path);
  spdlog::warn("cache: {} at record {} ({}), treated as a miss", why, path,
               err == 0 ? "removed" : "cannot remove: " + errno_text(err));
  std::lock_guard<std::mutex> guard{mtx_};
  ++stats_.corrupt;
  ++stats_.misses;
  forget(key);
  return why;
}

// Opens, reads and verifies the record under `key` into the memory
// `alloc(payload_size)` returns; nullptr when intact, "absent" when there
// is no file, else why it is corrupt (counted, removed).
template <class Alloc>
const char* l2_store::read_file(const cache_key& key, Alloc&& alloc, l2_payload_check check) {
  auto path = record_path(key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0 && errno == ELOOP) {
    // A symlink in a record's place: removed (not what it points to), so
    // that the rewrite can heal it.
    return take_out(key, path, "a symlink");
  }
  if (fd < 0) {
    // Absent, or evicted by another process since we indexed it.
    std::lock_guard<std::mutex> guard{mtx_};
    ++stats_.misses;
    forget(key);
    return "absent";
  }
  struct stat st;
  const char* bad = nullptr;
  if (::fstat(fd, &st) != 0) {
    bad = "unreadable";
  } else if (!S_ISREG(st.st_mode)) {
    // A folder (or a device, a FIFO) in a record's place.
    ::close(fd);
    return take_out(key, path, "not a regular file");
  } else {
    auto size = static_cast<std::uint64_t>(st.st_size);
    char* payload = size >= l2_header_size ? alloc(static_cast<std::size_t>(size - l2_header_size))
                                           : nullptr;
    bad = read_l2_record(fd, size, key, payload);
    if (bad == nullptr && check != nullptr)
      bad = check(std::string_view{payload, static_cast<std::size_t>(size - l2_header_size)});
  }
  if (bad != nullptr) {
    // Remove the file only if it is still the one we read: another process
    // may have just renamed a good record over it.
    struct stat now;
    if (::stat(path.c_str(), &now) == 0 && now.st_ino == st.st_ino
        && now.st_dev == st.st_dev)
      ::unlink(path.c_str());
    ::close(fd);
    (options_.log ? options_.log : default_logger())
      ->warn("corrupt record {} ({}), treated as a miss", path, bad);
    std::lock_guard<std::mutex> guard{mtx_};
    ++stats_.corrupt;
    ++stats_.misses;
    forget(key);
    return bad;
  }
  // Keep the mtime roughly current, so that eviction by any process (and
  // the index rebuilt at the next open) sees this record as recently used.
  if (std::time(nullptr) - st.st_mtime >= options_.touch_interval.count()) {
    struct timespec times[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    ::futimens(fd, times); // best effort, e.g. fails on a read-only disk
  }
  ::close(fd);
  std::lock_guard<std::mutex> guard{mtx_};
  ++stats_.hits;
  note_present(key, static_cast<std::uint64_t>(st.st_size));
  return nullptr;
}

value_ptr l2_store::get(const cache_key& key, l2_payload_check check) {
  auto payload = std::make_shared<std::string>();
  auto alloc = [&](std::size_t n) {
    payload->resize(n);
    return payload->data();
  };
  if (read_file(key, alloc, check) != nullptr)
    return nullptr;
  return payload;
}

bool l2_store::read(const cache_key& key, l2_read_buffer& buffer, l2_payload_check check) {
  buffer.size_ = 0;
  auto alloc = [&](std::size_t n) { return buffer.reserve(n); };
  if (read_file(key, alloc, check) != nullptr) {
    buffer.size_ = 0;
    return false;
  }
  return true;
}

cache_error l2_store::put(const cache_key& key, std::string_view payload) {
  auto dir = fanout_path(key);
  int err = inject(l2_write_step::create_dir);
  if (err == 0)
    err = make_dirs(dir);
  if (err == ENOTDIR && remove_entry(dir) == 0) // a file took the folder's place
    err = make_dirs(dir);
  if (err != 0)
    return write_error("cannot create cache folder", dir, err);
  auto tmp = dir + '/' + temp_name(key);
  int fd = -1;
  err = inject(l2_write_step::create_temp);
  if (err == 0) {
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
      err = errno;
  }
  if (err != 0)
    return write_error("cannot create cache record", tmp, err);
  auto header = encode_l2_header(key, payload);
  err = inject(l2_write_step::write);
  if (err == 0)
    err = write_all(fd, header.data(), header.size());
  if (err == 0)
    err = write_all(fd, payload.data(), payload.size());
  bool grouped = options_.commit_batch > 0;
  if (err == 0 && options_.sync && !grouped) {
    err = inject(l2_write_step::sync_file);
    if (err == 0 && ::fsync(fd) != 0)
      err = errno;
  }
  if (::close(fd) != 0 && err == 0)
    err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return write_error("cannot write cache record", tmp, err);
  }
  auto path = record_path(key);
  if (grouped) {
    std::vector<queued_record> batch;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      auto now = std::chrono::steady_clock::now();
      if (queued_.empty())
        first_queued_ = now;
      queued_.push_back({tmp, path, key, header.size() + payload.size()});
      bool due = queued_.size() >= options_.commit_batch
                 || now - first_queued_ >= options_.commit_delay;
      if (due)
        batch.swap(queued_);
    }
    // Published outside the mutex: other threads keep reading and queueing
    // while this one waits for the file system.
    return publish(std::move(batch));
  }
  {
    // Renaming under the mutex orders it with this process's evictions.
    std::lock_guard<std::mutex> guard{mtx_};
    err = inject(l2_write_step::rename);
    if (err == 0)
      err = rename_record(tmp, path);
    if (err == 0) {
      ++stats_.writes;
      note_present(key, header.size() + payload.size());
      evict_to(options_.max_bytes, &key);
    }
  }
  if (err != 0) {
    ::unlink(tmp.c_str());
    return write_error("cannot rename cache record to", path, err);
  }
  if (options_.sync) {
    err = inject(l2_write_step::sync_dir);
    if (err == 0)
      err = fsync_dir(dir);
    if (err != 0)
      return write_error("cannot sync cache folder", dir, err);
  }
  return {};
}

int l2_store::rename_record(const std::string& temp, const std::string& path) {
  if (::rename(temp.c_str(), path.c_str()) == 0)
    return 0;
  int err = errno;
  if (err != EISDIR && err != ENOTEMPTY && err != EEXIST && err != ENOTDIR)
    return err;
  // A folder took the record's place: removed, then the record renamed in.
  if (int removed = remove_entry(path); removed != 0 && removed != ENOENT)
    return err;
  return ::rename(temp.c_str(), path.c_str()) == 0 ? 0 : errno;
}

l2_store::~l2_store() {
  (void) commit();
}

cache_error l2_store::commit() {
  std::vector<queued_record> batch;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    batch.swap(queued_);
  }
  auto err = publish(std::move(batch));
  if (options_.index_max_age.count() > 0)
    save_index();
  return err;
}

cache_error l2_store::publish(std::vector<queued_record> batch) {
  if (batch.empty())
    return {};
  // The queued records' data is made durable before any rename publishes
  // it, then the renames are (see sync_data and sync_renames). Neither
  // step holds the mutex: a rename racing with this process evicting an
  // older version of the same key can at worst lose the new record (a later
  // miss), never expose a partial one.
  cache_error first;
  auto fail = [&](const std::string& what, const std::string& path, int err) {
    if (!first)
      first = cache_error{errc::unreadable_input, err, what + ' ' + path + ": " + errno_text(err)};
  };
  std::vector<int> errors(batch.size(), 0);
  if (options_.sync)
    sync_data(batch, errors);
  const queued_record* last_renamed = nullptr;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& q = batch[i];
    int err = errors[i];
    if (err != 0) {
      ::unlink(q.temp.c_str());
      fail("cannot sync cache record", q.temp, err);
      continue;
    }
    err = inject(l2_write_step::rename);
    if (err == 0)
      err = rename_record(q.temp, q.path);
    if (err != 0) {
      errors[i] = err;
      ::unlink(q.temp.c_str());
      fail("cannot rename cache record to", q.path, err);
      continue;
    }
    last_renamed = &q;
  }
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (errors[i] != 0) {
        ++stats_.write_errors;
        continue;
      }
      ++stats_.writes;
      note_present(batch[i].key, batch[i].size);
    }
    evict_to(options_.max_bytes, nullptr);
  }
  if (options_.sync && last_renamed != nullptr) {
    auto folder = last_renamed->path.substr(0, last_renamed->path.rfind('/'));
    if (int err = sync_renames(folder)) {
      fail("cannot sync cache folder", folder, err);
      std::lock_guard<std::mutex> guard{mtx_};
      ++stats_.write_errors; // the records are in place, maybe not yet durable
    }
  }
  return first;
}

namespace {

constexpr unsigned wait_for_data =
  SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;

/// Syncs the whole file system holding `folder`; returns 0 or an errno.
int sync_file_system(const std::string& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int err = fd < 0 || ::syncfs(fd) != 0 ? errno : 0;
  if (fd >= 0)
    ::close(fd);
  return err;
}

} // namespace

void l2_store::sync_data(const std::vector<queued_record>& batch, std::vector<int>& errors) const {
  if (!ordered_journal_) {
    // Unknown file system: one sync of all of it, whatever else is dirty.
    int err = inject(l2_write_step::sync_file);
    if (err == 0)
      err = sync_file_system(options_.directory);
    std::fill(errors.begin(), errors.end(), err);
    return;
  }
  // Only the batch's own files are written back: a file-system-wide sync
  // also wrote back whatever else was dirty (the previous report.json among
  // it) and made anyone deleting such a file wait for that write-back. Per
  // chunk of files (bounding the open descriptors) write-back is started
  // for all, then waited for; the journal commit that makes the data
  // reachable comes with the renames (sync_renames). An fdatasync per file
  // instead cost a device cache flush each: 0.3 s more for a cold run of
  // the default corpus.
  constexpr std::size_t chunk = 256;
  std::vector<int> fds;
  for (std::size_t begin = 0; begin < batch.size(); begin += chunk) {
    auto end = std::min(batch.size(), begin + chunk);
    fds.assign(end - begin, -1);
    for (auto i = begin; i < end; ++i) {
      int err = inject(l2_write_step::sync_file);
      int fd = err == 0 ? ::open(batch[i].temp.c_str(), O_RDONLY | O_CLOEXEC) : -1;
      if (err == 0 && fd < 0)
        err = errno;
      errors[i] = err;
      fds[i - begin] = fd;
      if (fd >= 0)
        (void) ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    }
    for (auto i = begin; i < end; ++i) {
      int fd = fds[i - begin];
      if (fd < 0)
        continue;
      if (::sync_file_range(fd, 0, 0, wait_for_data) != 0)
        errors[i] = errno;
      ::close(fd);
    }
  }
}

int l2_store::sync_renames(const std::string& last_folder) const {
  int err = inject(l2_write_step::sync_dir);
  if (err != 0)
    return err;
  if (!ordered_journal_)
    return sync_file_system(options_.directory);
  // A journal commits its transactions in order, each after a device cache
  // flush: syncing the folder of the last rename commits the transaction
  // holding it, with every earlier rename and every block allocated for the
  // data waited for above.
  return fsync_dir(last_folder);
}

bool l2_store::erase(const cache_key& key) {
  auto path = record_path(key);
  std::lock_guard<std::mutex> guard{mtx_};
  forget(key);
  return ::unlink(path.c_str()) == 0;
}

l2_stats l2_store::stats() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return stats_;
}

std::string l2_store::record_path(const cache_key& key) const {
  auto hex = key.hex();
  std::string out = options_.directory;
  out += '/';
  out.append(hex, 0, 2);
  out += '/';
  out += hex;
  out += ".rec";
  return out;
}

std::string l2_store::fanout_path(const cache_key& key) const {
  return options_.directory + '/' + key.hex().substr(0, 2);
}

int l2_store::inject(l2_write_step step) const {
  return options_.fault_hook ? options_.fault_hook(step) : 0;
}

cache_error l2_store::write_error(const std::string& what,
                                  const std::string& path, int err) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    ++stats_.write_errors;
  }
  return cache_error{errc::unreadable_input, err,
                     what + ' ' + path + ": " + errno_text(err)};
}

bool l2_store::holds(const cache_key& key) const {
  std::lock_guard<std::mutex> guard{mtx_};
  return index_.count(key) != 0;
}

void l2_store::note_present(const cache_key& key, std::uint64_t size) {
  index_dirty_ = true;
  if (auto i = index_.find(key); i != index_.end()) {
    stats_.bytes -= i->second.size;
    stats_.bytes += size;
    i->second.size = size;
    lru_.splice(lru_.begin(), lru_, i->second.lru_pos);
    return;
  }
  lru_.push_front(key);
  index_.emplace(key, index_entry{size, lru_.begin()});
  stats_.bytes += size;
  ++stats_.entries;
}

void l2_store::forget(const cache_key& key) {
  auto i = index_.find(key);
  if (i == index_.end())
    return;
  index_dirty_ = true;
  stats_.bytes -= i->second.size;
  --stats_.entries;
  lru_.erase(i->second.lru_pos);
  index_.erase(i);
}

void l2_store::evict_to(std::uint64_t max_bytes, const cache_key* keep) {
  while (stats_.bytes > max_bytes && !lru_.empty()) {
    auto victim = lru_.back();
    if (keep != nullptr && victim == *keep && lru_.size() == 1)
      break; // a record larger than the bound stays until the next put
    ::unlink(record_path(victim).c_str()); // gone already is fine
    ++stats_.evictions;
    forget(victim);
  }
}

} // namespace troupe::cache
