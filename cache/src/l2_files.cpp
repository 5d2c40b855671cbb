#include "l2_files.hpp"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "troupe/cache/digest.hpp"

namespace troupe::cache::detail {

namespace {

constexpr std::string_view temp_prefix = ".tmp-";
constexpr std::string_view record_suffix = ".rec";

// Eight hex digits naming this host, so that pids are only checked for
// liveness on the host that wrote the file.
const std::string& host_tag() {
  static const std::string tag = [] {
    char name[256] = {};
    if (::gethostname(name, sizeof(name) - 1) != 0)
      return std::string{"00000000"};
    return content_digest(name).hex().substr(0, 8);
  }();
  return tag;
}

} // namespace

std::string errno_text(int err) {
  return std::error_code{err, std::generic_category()}.message();
}

int write_all(int fd, const void* data, std::size_t size) {
  auto* in = static_cast<const char*>(data);
  while (size > 0) {
    auto n = ::write(fd, in, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    if (n == 0)
      return ENOSPC;
    in += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

int fsync_dir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  // Some file systems cannot fsync folders; the rename still happened.
  return err == EINVAL ? 0 : err;
}

int make_dirs(const std::string& path) {
  if (path.empty())
    return ENOENT;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0)
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  auto slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    if (int err = make_dirs(path.substr(0, slash)))
      return err;
  }
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    return errno;
  return 0;
}

int remove_entry(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    return errno;
  if (!S_ISDIR(st.st_mode))
    return ::unlink(path.c_str()) == 0 ? 0 : errno;
  std::error_code ec;
  std::filesystem::remove_all(path, ec); // never follows symlinks
  return ec ? ec.value() : 0;
}

std::string temp_name(const cache_key& key) {
  static std::atomic<std::uint64_t> sequence{0};
  auto seq = sequence.fetch_add(1, std::memory_order_relaxed);
  std::string out{temp_prefix};
  out += host_tag();
  out += '-';
  out += std::to_string(::getpid());
  out += '-';
  out += std::to_string(seq);
  out += '-';
  out += key.hex();
  return out;
}

bool is_temp_name(std::string_view name) noexcept {
  return name.substr(0, temp_prefix.size()) == temp_prefix;
}

std::optional<temp_writer> parse_temp_name(std::string_view name) noexcept {
  if (!is_temp_name(name))
    return std::nullopt;
  name.remove_prefix(temp_prefix.size());
  auto dash = name.find('-');
  if (dash == std::string_view::npos)
    return std::nullopt;
  auto host = name.substr(0, dash);
  name.remove_prefix(dash + 1);
  long pid = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (ec != std::errc{} || end == name.data() || pid <= 0)
    return std::nullopt;
  return temp_writer{host == host_tag(), static_cast<pid_t>(pid)};
}

bool process_alive(pid_t pid) noexcept {
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

std::optional<cache_key> parse_record_name(std::string_view name) noexcept {
  if (name.size() != 32 + record_suffix.size()
      || name.substr(32) != record_suffix)
    return std::nullopt;
  return cache_key::from_hex(name.substr(0, 32));
}

} // namespace troupe::cache::detail

namespace troupe::cache {

int replace_file(const std::string& path, std::string_view bytes) {
  auto tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return errno;
  int err = detail::write_all(fd, bytes.data(), bytes.size());
  if (::close(fd) != 0 && err == 0)
    err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0)
    err = errno;
  if (err != 0)
    ::unlink(tmp.c_str());
  return err;
}

} // namespace troupe::cache
