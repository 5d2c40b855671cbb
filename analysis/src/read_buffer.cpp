#include "troupe/analysis/internal/read_buffer.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace troupe::detail {

namespace {

error system_error(int err) {
  return {errc::unreadable_input, err, std::strerror(err)};
}

} // namespace

error read_buffer::read(const std::string& path) {
  size_ = 0;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return system_error(errno);
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    auto err = system_error(errno);
    ::close(fd);
    return err;
  }
  return read(fd, static_cast<std::uint64_t>(st.st_size));
}

error read_buffer::read(const std::string& path, std::uint64_t expected_size) {
  size_ = 0;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return system_error(errno);
  return read(fd, expected_size);
}

error read_buffer::read(int fd, std::uint64_t expected_size) {
  reserve(static_cast<std::size_t>(expected_size) + 1);
  error out;
  for (;;) {
    if (size_ == capacity_)
      reserve(capacity_ * 2); // the file grew while we read it
    auto wanted = capacity_ - size_;
    auto n = ::read(fd, data_.get() + size_, wanted);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n < 0)
        out = system_error(errno);
      break;
    }
    size_ += static_cast<std::size_t>(n);
    // A regular file read short of what was asked, at the size it had,
    // has ended: no further call just to hear so (one per file).
    if (size_ == expected_size && static_cast<std::size_t>(n) < wanted)
      break;
  }
  ::close(fd);
  return out;
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
