// File: the Python grammar with its external scanner watched, so that a
// parse can be stopped inside one scan (private to the actors component).
//
// tree-sitter 0.20.7 checks its timeout and cancellation flag every 100
// parser operations, but the grammar's scanner skips whole runs of blank
// lines, comments and line continuations on every call: a run of N of them
// inside a block costs O(N) per token and O(N^2) in all, and 100 operations
// took 1.7 s on a 1.5 MB file of continuations. The watch makes the scanner
// see the end of the input once the parse's time has run out or the run was
// cancelled, and sets tree-sitter's cancellation flag.
#pragma once

#include <atomic>
#include <chrono>

#include "source/parse_meter.hpp"

struct TSLanguage;

namespace troupe::actors::detail {

/// What the scanner is watched for on one thread.
struct scan_watch {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  const std::atomic<bool>* cancelled = nullptr;
  parse_stop* stop = nullptr;
};

/// tree-sitter-python with the watched scanner; behaves as
/// tree_sitter_python() on threads with no active watch.
const TSLanguage* watched_python_language();

/// Makes a watch active on the calling thread for its lifetime.
class scan_watch_scope {
public:
  explicit scan_watch_scope(scan_watch& watch) noexcept;
  ~scan_watch_scope();
  scan_watch_scope(const scan_watch_scope&) = delete;
  scan_watch_scope& operator=(const scan_watch_scope&) = delete;

private:
  scan_watch* previous_;
};

} // namespace troupe::actors::detail
