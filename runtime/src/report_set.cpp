#include "internal/report_set.hpp"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace troupe::detail {

std::string write_output_set(std::vector<output_item> items) {
  std::vector<staged_output> staged;
  staged.reserve(items.size());
  for (auto& item : items)
    staged.emplace_back(std::move(item.target));
  // Files first: a failure there leaves every stream and every file as it
  // was. Then the streams, which cannot be taken back.
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < staged.size(); ++i) {
      bool file = staged[i].target().type == output_target::kind::file;
      if (file != (pass == 0))
        continue;
      if (auto err = staged[i].write(items[i].render); !err.empty())
        return err; // the destructors remove the temporary files
    }
  }
  for (std::size_t i = 0; i < staged.size(); ++i) {
    if (auto err = staged[i].commit(); !err.empty()) {
      for (std::size_t j = 0; j < i; ++j)
        staged[j].roll_back();
      return err;
    }
  }
  return {};
}

output_lock::output_lock(std::string folder) : folder_(std::move(folder)) {
}

output_lock::~output_lock() {
  release();
}

std::string output_lock::acquire(const std::function<void()>& on_wait,
                                 const std::function<bool()>& stop) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (held_)
    return {};
  auto path = folder_ + "/.troupe.lock";
  if (fd_ < 0)
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0)
    return path + ": " + std::error_code{errno, std::generic_category()}.message();
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK)
      return path + ": " + std::error_code{errno, std::generic_category()}.message();
    if (on_wait)
      on_wait();
    // Polled, so that an interrupted run does not wait for ever.
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR)
        return path + ": " + std::error_code{errno, std::generic_category()}.message();
      if (stop && stop())
        return "interrupted while waiting for " + path;
      ::usleep(20 * 1000);
    }
  }
  held_ = true;
  return {};
}

void output_lock::release() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (fd_ >= 0) {
    ::close(fd_); // releases the flock
    fd_ = -1;
  }
  held_ = false;
}

} // namespace troupe::detail
