#include "troupe/runtime/signal_watch.hpp"

#include <csignal>
#include <ctime>

#include <pthread.h>

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
  thread_ = std::thread{[this, set] {
    timespec poll{0, 100'000'000};
    while (!stop_.load()) {
      int sig = sigtimedwait(&set, nullptr, &poll);
      if (sig > 0) {
        last_ = sig;
        on_signal_(sig);
      }
    }
  }};
}

signal_watch::~signal_watch() {
  stop_ = true;
  thread_.join();
  auto set = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

} // namespace troupe
