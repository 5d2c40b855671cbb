#include "troupe/runtime/signal_watch.hpp"

#include <cerrno>
#include <csignal>

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace troupe {

namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

} // namespace

signal_watch::signal_watch(std::function<void(int)> on_signal)
  : on_signal_(std::move(on_signal)) {
  auto set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signals_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread{[this] {
    pollfd fds[2] = {{signals_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    for (;;) {
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR)
          continue;
        return;
      }
      if (fds[1].revents != 0)
        return;
      signalfd_siginfo info{};
      if (fds[0].revents != 0
          && read(signals_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        auto sig = static_cast<int>(info.ssi_signo);
        last_ = sig;
        on_signal_(sig);
      }
    }
  }};
}

signal_watch::~signal_watch() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof one);
  thread_.join();
  close(signals_fd_);
  close(wake_fd_);
  auto set = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

} // namespace troupe
