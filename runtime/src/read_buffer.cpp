#include "internal/read_buffer.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace troupe::detail {

namespace {

int open_for_reading(const std::string& path, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    error = std::strerror(errno);
  return fd;
}

} // namespace

bool read_buffer::read(const std::string& path, std::string& error) {
  size_ = 0;
  int fd = open_for_reading(path, error);
  if (fd < 0)
    return false;
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return false;
  }
  return read(fd, static_cast<std::uint64_t>(st.st_size), error);
}

bool read_buffer::read(const std::string& path, std::string& error, std::uint64_t expected_size) {
  size_ = 0;
  int fd = open_for_reading(path, error);
  return fd >= 0 && read(fd, expected_size, error);
}

bool read_buffer::read(int fd, std::uint64_t expected_size, std::string& error) {
  reserve(static_cast<std::size_t>(expected_size) + 1);
  bool ok = true;
  for (;;) {
    if (size_ == capacity_)
      reserve(capacity_ * 2); // the file grew while we read it
    auto wanted = capacity_ - size_;
    auto n = ::read(fd, data_.get() + size_, wanted);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ok = n == 0;
      if (!ok)
        error = std::strerror(errno);
      break;
    }
    size_ += static_cast<std::size_t>(n);
    // A regular file read short of what was asked, at the size it had,
    // has ended: no further call just to hear so (one per file).
    if (size_ == expected_size && static_cast<std::size_t>(n) < wanted)
      break;
  }
  ::close(fd);
  return ok;
}

void read_buffer::reserve(std::size_t n) {
  if (n <= capacity_)
    return;
  auto bigger = std::unique_ptr<char[]>(new char[n]); // uninitialised on purpose
  if (size_ > 0)
    std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = n;
}

} // namespace troupe::detail
