// File: writing the reports of one run so that they appear together or not
// at all, and the lock that keeps runs sharing an output folder apart.
// Internal.
#pragma once

#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "troupe/reports/internal/atomic_file.hpp"

namespace troupe::detail {

/// One output of a set: where it goes and how it is rendered.
struct output_item {
  output_target target;
  std::function<void(std::ostream&)> render;
};

/// The outputs of one run, staged one after another and swapped in
/// together or not at all: `stage` writes a regular file into a temporary
/// file of this process and renders a stream (device, FIFO, standard
/// output) into memory; `commit` writes the streams through and then swaps
/// the files in, one rename each, putting back the files swapped before a
/// swap that fails. Whatever was not committed is removed when the set is
/// cleared or destroyed. Not thread-safe.
class output_set {
public:
  output_set() = default;
  output_set(output_set&&) = default;
  output_set& operator=(output_set&&) = default;
  output_set(const output_set&) = delete;
  output_set& operator=(const output_set&) = delete;

  /// Renders one output; the error (errc::unwritable_output, naming the
  /// file) when it cannot, and nothing of this output stays behind then.
  error stage(output_target target, const std::function<void(std::ostream&)>& render);

  /// Renders several outputs at once, each on its own thread (the first on
  /// the caller's), and stages them in order; "" or the first error (none
  /// of these outputs stays behind then). The renderers must not share
  /// mutable state.
  error stage_concurrently(std::vector<output_item> items);

  /// Puts every staged output in place, or returns the first error, naming
  /// the file (no file of the set is replaced then; what went to a stream
  /// stays written). The set is empty afterwards.
  error commit();

  /// Drops every staged output, removing its temporary file.
  void clear() noexcept;

  bool empty() const noexcept {
    return files_.empty() && streams_.empty();
  }

private:
  struct rendered_stream {
    output_target target;
    std::string content;
  };
  std::vector<staged_output> files_;
  std::vector<rendered_stream> streams_;
};

/// Writes every item so that the set appears together or not at all:
/// each regular file into a temporary file of this process first, then
/// the streams (devices, FIFOs, standard output) through, and only when
/// everything was written are the files swapped in, one rename each; a
/// swap that fails puts back the files swapped before it. Returns the
/// first error, naming the file; no file is replaced then and no
/// temporary file is left behind (what went to a stream stays written).
error write_output_set(std::vector<output_item> items);

/// An exclusive lock on an output folder (`.troupe.lock` there, flock(2)):
/// a run holds it from the first file it writes there (generated code,
/// then the reports) until its reports are in place, so two runs writing
/// one folder take turns and a reader holding a shared lock on the file
/// sees the outputs of one run. The kernel releases it when the process
/// ends, however it ends. Thread-safe.
class output_lock {
public:
  /// A lock on `folder`, not taken yet.
  explicit output_lock(std::string folder);
  ~output_lock();
  output_lock(const output_lock&) = delete;
  output_lock& operator=(const output_lock&) = delete;

  /// Takes the lock, waiting while another process holds it (`on_wait` is
  /// called once before waiting, `stop` polled while waiting); a second
  /// call returns at once. Returns why the folder was not locked, if it
  /// was not (the caller then writes unlocked: each file is still replaced
  /// whole).
  error acquire(const std::function<void()>& on_wait = {},
                      const std::function<bool()>& stop = {});

  /// Lets the next run in.
  void release();

private:
  std::string folder_;
  std::mutex mtx_;
  int fd_ = -1;
  bool held_ = false;
};

} // namespace troupe::detail
