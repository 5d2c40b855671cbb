#include "troupe/reports/internal/report_set.hpp"

#include <cerrno>
#include <sstream>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace troupe::detail {

namespace {

error locking_error(const std::string& path) {
  return unwritable(path + ": " + errno_text(errno));
}

} // namespace

error output_set::stage(output_target target,
                        const std::function<void(std::ostream&)>& render) {
  if (target.type == output_target::kind::file) {
    staged_output file{std::move(target)};
    if (auto err = file.write(render))
      return err;
    files_.push_back(std::move(file));
    return {};
  }
  // A stream cannot be taken back: written at commit, once every file of
  // the set is.
  std::ostringstream text;
  render(text);
  streams_.push_back({std::move(target), std::move(text).str()});
  return {};
}

error output_set::stage_concurrently(std::vector<output_item> items) {
  std::vector<output_set> parts(items.size());
  std::vector<error> errors(items.size());
  auto render = [&](std::size_t i) {
    errors[i] = parts[i].stage(std::move(items[i].target), items[i].render);
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < items.size(); ++i) {
    try {
      threads.emplace_back(render, i);
    } catch (const std::system_error&) {
      render(i); // no thread to be had: rendered here instead
    }
  }
  if (!items.empty())
    render(0);
  for (auto& t : threads)
    t.join();
  for (const auto& err : errors)
    if (err)
      return err; // `parts` removes what the others staged
  for (auto& part : parts) {
    for (auto& f : part.files_)
      files_.push_back(std::move(f));
    for (auto& st : part.streams_)
      streams_.push_back(std::move(st));
    part.files_.clear();
    part.streams_.clear();
  }
  return {};
}

error output_set::commit() {
  auto files = std::move(files_);
  auto streams = std::move(streams_);
  files_.clear();
  streams_.clear();
  for (auto& s : streams) {
    staged_output stream{std::move(s.target)};
    if (auto err = stream.write([&](std::ostream& out) { out << s.content; }))
      return err; // the files' destructors remove their temporary files
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (auto err = files[i].commit()) {
      for (std::size_t j = 0; j < i; ++j)
        files[j].roll_back();
      return err;
    }
  }
  return {};
}

void output_set::clear() noexcept {
  files_.clear();
  streams_.clear();
}

error write_output_set(std::vector<output_item> items) {
  output_set set;
  for (auto& item : items)
    if (auto err = set.stage(std::move(item.target), item.render))
      return err;
  return set.commit();
}

output_lock::output_lock(std::string folder) : folder_(std::move(folder)) {
}

output_lock::~output_lock() {
  release();
}

error output_lock::acquire(const std::function<void()>& on_wait,
                           const std::function<bool()>& stop) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (held_)
    return {};
  auto path = folder_ + "/.troupe.lock";
  if (fd_ < 0)
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0)
    return locking_error(path);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK)
      return locking_error(path);
    if (on_wait)
      on_wait();
    // Polled, so that an interrupted run does not wait for ever.
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR)
        return locking_error(path);
      if (stop && stop())
        return {errc::cancelled, "interrupted while waiting for " + path};
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
