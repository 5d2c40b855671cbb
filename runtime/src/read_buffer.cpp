#include "internal/read_buffer.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace troupe::detail {

bool read_buffer::read(const std::string& path, std::string& error) {
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
