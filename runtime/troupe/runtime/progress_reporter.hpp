// File: progress of a graph run on stderr: a live bar on a terminal,
// periodic plain lines otherwise, nothing when quiet.
//
// Usage:
//
//   troupe::progress_reporter progress{{troupe::progress_mode::automatic}};
//   progress.start(graph);
//   opts.on_task_finished = [&](std::size_t t, const troupe::task_outcome& o) {
//     progress.task_finished(t, o);
//   };
//   rt.run(graph, opts);
//   progress.finish(); // clears the bar before the caller prints to stdout
//
// Thread-safety: `task_finished` and the cache counters may be called from
// any thread and only touch atomics; `start` and `finish` belong to the
// owning thread. Rendering runs on the reporter's own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "troupe/runtime/graph_result.hpp"
#include "troupe/runtime/task_graph.hpp"

namespace troupe {

/// How progress is shown.
enum class progress_mode {
  /// `live` when the stream is a terminal (and TERM is not "dumb"), else `lines`.
  automatic,
  /// One line redrawn in place.
  live,
  /// A plain line every `line_interval`, for logs and pipes.
  lines,
  /// Nothing (`--quiet`).
  off,
};

/// Where and how often progress is drawn.
struct progress_options {
  progress_mode mode = progress_mode::automatic;
  /// File descriptor written to (stderr).
  int fd = 2;
  /// Redraw period of the live bar.
  std::chrono::milliseconds live_interval{100};
  /// Period of the plain lines.
  std::chrono::milliseconds line_interval{2000};
};

/// A snapshot of a run's progress, as rendered.
struct progress_snapshot {
  std::size_t tasks_done = 0;
  std::size_t tasks_total = 0;
  std::uint64_t files_done = 0;
  std::uint64_t files_total = 0;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::uint64_t cache_hits = 0;
  std::uint64_t cache_misses = 0;
  double elapsed_s = 0;
};

/// Draws a run's progress from counters the run updates; see the file comment.
class progress_reporter {
public:
  /// Prepares a reporter; nothing is drawn before `start`.
  explicit progress_reporter(progress_options options = {});

  /// Stops drawing (as `finish`).
  ~progress_reporter();

  progress_reporter(const progress_reporter&) = delete;
  progress_reporter& operator=(const progress_reporter&) = delete;

  /// Takes the totals (tasks, and files and bytes from each task's spec)
  /// and starts drawing.
  void start(const task_graph& graph);

  /// Counts a task that reached a final state; cheap and non-blocking.
  void task_finished(std::size_t task, const task_outcome& outcome) noexcept;

  /// Adds cache lookups answered from a tier.
  void add_cache_hits(std::uint64_t n) noexcept {
    cache_hits_.fetch_add(n, std::memory_order_relaxed);
  }

  /// Adds cache lookups that missed every tier.
  void add_cache_misses(std::uint64_t n) noexcept {
    cache_misses_.fetch_add(n, std::memory_order_relaxed);
  }

  /// Stops the drawing thread; a live bar is erased, plain mode prints a
  /// last line. Idempotent.
  void finish();

  /// The mode in effect (`automatic` resolved).
  progress_mode mode() const noexcept {
    return mode_;
  }

  /// The current counters.
  progress_snapshot snapshot() const noexcept;

  /// Renders a snapshot as one line of at most `columns` characters;
  /// `live` adds a bar and leaves out the "troupe:" prefix.
  static std::string render(const progress_snapshot& s, bool live, std::size_t columns);

private:
  struct weight {
    std::uint32_t files;
    std::uint64_t bytes;
  };

  void draw_loop();
  void write_out(const std::string& text) const noexcept;
  std::size_t columns() const noexcept;

  progress_options options_;
  progress_mode mode_;
  std::vector<weight> weights_;
  std::size_t tasks_total_ = 0;
  std::uint64_t files_total_ = 0;
  std::uint64_t bytes_total_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::atomic<std::size_t> tasks_done_{0};
  std::atomic<std::uint64_t> files_done_{0};
  std::atomic<std::uint64_t> bytes_done_{0};
  std::atomic<std::uint64_t> cache_hits_{0};
  std::atomic<std::uint64_t> cache_misses_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool running_ = false;
  std::thread thread_;
};

} // namespace troupe
