// File: turning SIGINT/SIGTERM into a call, for commands that must stop
// cleanly instead of dying mid-write.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace troupe {

/// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread
/// started after it) and watches for them on a thread of its own, calling
/// `on_signal` once per signal. Create it before any other thread starts.
class signal_watch {
public:
  /// Starts watching.
  explicit signal_watch(std::function<void(int)> on_signal);

  /// Stops watching and restores the previous signal mask.
  ~signal_watch();

  signal_watch(const signal_watch&) = delete;
  signal_watch& operator=(const signal_watch&) = delete;

  /// The last signal seen, or 0.
  int last_signal() const noexcept {
    return last_.load();
  }

private:
  std::function<void(int)> on_signal_;
  /// signalfd for the stop signals and an eventfd that wakes the watcher
  /// when the watch ends (no polling interval on the way out).
  int signals_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<int> last_{0};
  std::thread thread_;
};

} // namespace troupe
