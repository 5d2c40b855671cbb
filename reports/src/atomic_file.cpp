#include "troupe/reports/internal/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <streambuf>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

namespace troupe::detail {

error unwritable(std::string message) {
  return {errc::unwritable_output, std::move(message)};
}

std::string errno_text(int err) {
  return std::error_code{err, std::generic_category()}.message();
}

namespace {

/// Writes all of `size` bytes; returns 0 or an errno.
int write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    auto n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    if (n == 0)
      return ENOSPC;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

/// A stream buffer writing to a file descriptor in large blocks and
/// keeping the first error (std::ofstream loses errno).
class fd_buffer : public std::streambuf {
public:
  explicit fd_buffer(int fd) : fd_(fd), buffer_(256 * 1024) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }

  /// 0 or the errno of the first failed write.
  int error() const noexcept {
    return error_;
  }

  /// Bytes handed to the file so far.
  std::uint64_t written() const noexcept {
    return written_;
  }

protected:
  int_type overflow(int_type ch) override {
    if (!drain())
      return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n < static_cast<std::streamsize>(buffer_.size()) / 2)
      return std::streambuf::xsputn(s, n);
    // Large blocks (a whole pre-rendered report body) skip the buffer.
    if (!drain())
      return 0;
    error_ = write_all(fd_, s, static_cast<std::size_t>(n));
    if (error_ != 0)
      return 0;
    written_ += static_cast<std::uint64_t>(n);
    return n;
  }

  int sync() override {
    return drain() ? 0 : -1;
  }

private:
  bool drain() {
    auto n = pptr() - pbase();
    if (n > 0 && error_ == 0) {
      error_ = write_all(fd_, pbase(), static_cast<std::size_t>(n));
      if (error_ == 0)
        written_ += static_cast<std::uint64_t>(n);
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return error_ == 0;
  }

  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
  std::uint64_t written_ = 0;
};

/// Renders into `fd`; 0 or an errno. A render that throws counts as EIO
/// after its message went to standard error.
int render_into(int fd, const std::function<void(std::ostream&)>& render,
                std::uint64_t* written = nullptr) {
  fd_buffer buffer{fd};
  std::ostream out{&buffer};
  try {
    render(out);
  } catch (const std::exception& e) {
    std::cerr << "troupe: error: rendering an output failed: " << e.what() << '\n';
    return buffer.error() != 0 ? buffer.error() : EIO;
  }
  out.flush();
  if (written != nullptr)
    *written = buffer.written();
  if (buffer.error() != 0)
    return buffer.error();
  return out ? 0 : EIO;
}

std::string folder_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// `.NAME.spare` beside `path`: a large replaced file, overwritten in
/// place by the next write (deleting a 35 MB report took 16 ms of a 0.56 s
/// run, the kernel freeing its page cache on the spot, and the next write
/// allocated that memory again).
std::string spare_path(const std::string& path) {
  auto dir = folder_of(path);
  return (dir == "/" ? "" : dir) + "/." + name_of(path) + ".spare";
}

/// A temporary file name no other process or thread uses.
std::string temp_path(const std::string& path) {
  static std::atomic<unsigned> sequence{0};
  auto dir = folder_of(path);
  return (dir == "/" ? "" : dir) + "/." + name_of(path) + '.' + std::to_string(::getpid())
         + '-' + std::to_string(sequence.fetch_add(1)) + ".tmp";
}

/// Creates the folder `dir` and its missing parents; 0 or an errno.
int make_dirs(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0)
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  if (errno != ENOENT)
    return errno;
  auto parent = folder_of(dir);
  if (parent != dir && parent != "." && parent != "/")
    if (int err = make_dirs(parent))
      return err;
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    return errno;
  return 0;
}

} // namespace

error resolve_output(const std::string& path, output_target& out) {
  out = output_target{};
  out.shown = path;
  if (path == "-") {
    out.type = output_target::kind::standard_output;
    return {};
  }
  if (path.empty())
    return unwritable("empty path");
  // Follow symlinks by hand, so that a dangling one names the file to
  // create; 40 hops as the kernel allows.
  std::string p = path;
  for (int hops = 0;; ++hops) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno != ENOENT)
        return unwritable(p + ": " + errno_text(errno));
      break; // to be created
    }
    if (S_ISLNK(st.st_mode)) {
      if (hops >= 40)
        return unwritable("too many levels of symbolic links");
      std::vector<char> link(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 255) + 1);
      auto n = ::readlink(p.c_str(), link.data(), link.size());
      if (n < 0)
        return unwritable(p + ": " + errno_text(errno));
      std::string next(link.data(), static_cast<std::size_t>(n));
      p = next.front() == '/' ? next : folder_of(p) + '/' + next;
      continue;
    }
    if (S_ISDIR(st.st_mode))
      return unwritable(p + " is a folder");
    if (S_ISSOCK(st.st_mode))
      return unwritable(p + " is a socket");
    if (!S_ISREG(st.st_mode)) {
      out.path = p;
      out.type = output_target::kind::stream;
      // A FIFO is opened when written (that waits for a reader); a device
      // must open for writing now.
      if (S_ISFIFO(st.st_mode))
        return ::access(p.c_str(), W_OK) == 0 ? error{} : unwritable(p + ": " + errno_text(errno));
      int fd = ::open(p.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
      if (fd < 0)
        return unwritable(p + ": " + errno_text(errno));
      ::close(fd);
      return {};
    }
    break; // a regular file
  }
  out.path = p;
  out.type = output_target::kind::file;
  auto dir = folder_of(p);
  if (int err = make_dirs(dir))
    return unwritable("cannot create folder " + dir + ": " + errno_text(err));
  // The folder must take a new file: try one.
  auto probe = temp_path(p);
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return unwritable("cannot create a file in " + dir + ": " + errno_text(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  return {};
}

staged_output::staged_output(output_target target) : target_(std::move(target)) {
}

staged_output::staged_output(staged_output&& other) noexcept
  : target_(std::move(other.target_)),
    temp_(std::move(other.temp_)),
    committed_(other.committed_),
    exchanged_(other.exchanged_) {
  other.temp_.clear();
  other.committed_ = false;
  other.exchanged_ = false;
}

staged_output::~staged_output() {
  discard();
}

void staged_output::discard() noexcept {
  if (temp_.empty())
    return;
  if (committed_ && exchanged_) {
    // The replaced content: kept as the spare when large.
    struct stat st {};
    if (::stat(temp_.c_str(), &st) == 0 && static_cast<std::uintmax_t>(st.st_size) >= spare_min_bytes
        && ::rename(temp_.c_str(), spare_path(target_.path).c_str()) == 0) {
      temp_.clear();
      return;
    }
  }
  ::unlink(temp_.c_str());
  temp_.clear();
}

error staged_output::write(const std::function<void(std::ostream&)>& render) {
  auto fail = [&](const std::string& what, int err) {
    discard();
    return unwritable("cannot write " + target_.shown + (what.empty() ? "" : " (" + what + ")")
                      + ": " + errno_text(err));
  };
  if (target_.type == output_target::kind::standard_output) {
    std::cout.flush();
    std::fflush(stdout);
    if (int err = render_into(STDOUT_FILENO, render))
      return fail("standard output", err);
    return {};
  }
  if (target_.type == output_target::kind::stream) {
    int fd = ::open(target_.path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
      return fail({}, errno);
    int err = render_into(fd, render);
    if (::close(fd) != 0 && err == 0)
      err = errno;
    if (err != 0)
      return fail({}, err);
    return {};
  }
  // A regular file: into the spare if one can be claimed (a rename only one
  // process wins), else into a new temporary file.
  discard();
  temp_ = temp_path(target_.path);
  int fd = -1;
  if (::rename(spare_path(target_.path).c_str(), temp_.c_str()) == 0) {
    fd = ::open(temp_.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
      ::unlink(temp_.c_str()); // e.g. another user's: start afresh
  }
  if (fd < 0)
    fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    int err = errno;
    temp_.clear();
    return fail({}, err);
  }
  std::uint64_t length = 0;
  int err = render_into(fd, render, &length);
  if (err == 0 && ::ftruncate(fd, static_cast<off_t>(length)) != 0)
    err = errno;
  if (::close(fd) != 0 && err == 0)
    err = errno;
  if (err != 0)
    return fail({}, err);
  return {};
}

error staged_output::commit() {
  if (target_.type != output_target::kind::file || committed_)
    return {};
  if (temp_.empty())
    return unwritable("cannot write " + target_.shown + ": nothing written");
  // Swapping the new file with the old one keeps the swap atomic and costs
  // ~2 ms where renaming over a 34 MB report cost ~20-40 ms (ext4 starts
  // writing the new file back when a rename replaces one). No old file, or
  // a file system without exchange: a plain rename.
  if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.path.c_str(), RENAME_EXCHANGE)
      == 0) {
    committed_ = exchanged_ = true;
    return {};
  }
  if (::rename(temp_.c_str(), target_.path.c_str()) != 0) {
    int err = errno;
    discard();
    return unwritable("cannot write " + target_.shown + ": " + errno_text(err));
  }
  committed_ = true;
  temp_.clear();
  return {};
}

void staged_output::roll_back() noexcept {
  if (!committed_)
    return;
  if (exchanged_) {
    exchanged_ = false;
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.path.c_str(), RENAME_EXCHANGE)
        != 0) {
      // The old content stays where it is rather than being deleted.
      temp_.clear();
    }
  } else {
    ::unlink(target_.path.c_str());
  }
  committed_ = false;
  discard();
}

error write_file_atomically(const std::string& path,
                            const std::function<void(std::ostream&)>& write) {
  output_target target;
  if (auto err = resolve_output(path, target))
    return unwritable("cannot write " + path + ": " + err.message());
  staged_output out{std::move(target)};
  if (auto err = out.write(write))
    return err;
  return out.commit();
}

} // namespace troupe::detail
