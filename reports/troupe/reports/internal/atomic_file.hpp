// File: replacing an output file so that readers never see half of it, and
// writing through what is not a regular file (a device, a FIFO, standard
// output). Internal.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <sys/types.h>

#include "troupe/base/error.hpp"

namespace troupe::detail {

/// errc::unwritable_output with `message`.
error unwritable(std::string message);

/// The text of an errno value.
std::string errno_text(int err);

/// A replaced file of at least this size is kept beside its successor (as
/// `.NAME.spare`) and the next write claims it and overwrites it in place.
constexpr std::uintmax_t spare_min_bytes = 1u << 20;

/// Where one output goes, resolved (and checked) before anything is written.
struct output_target {
  enum class kind : std::uint8_t {
    /// A regular file (or none yet): replaced through a temporary file.
    file,
    /// A character or block device or a FIFO: written through.
    stream,
    /// The process's standard output (`-`).
    standard_output,
  };
  /// The path as given, for messages.
  std::string shown;
  /// The path written: symlinks followed to their final target.
  std::string path;
  kind type = kind::file;
};

/// Resolves `path` for writing: `-` is standard output; a symlink is
/// followed to its final target (created if it does not exist, as other
/// tools do); a device or FIFO is written through rather than replaced; a
/// folder, a socket, or a file whose folder cannot be created or written
/// is refused. Creates the missing folders of a file. Returns
/// errc::unwritable_output saying why the output cannot be written, or no
/// error.
error resolve_output(const std::string& path, output_target& out);

/// One output being written: for a regular file, into a temporary file of
/// this process beside the target (`.NAME.PID-N.tmp`, or the claimed spare)
/// that `commit` swaps in with one rename; for a stream, straight through.
/// The destructor removes a temporary file that was not committed, and
/// releases the replaced content (kept as the spare when large).
class staged_output {
public:
  explicit staged_output(output_target target);
  staged_output(staged_output&& other) noexcept;
  staged_output& operator=(staged_output&&) = delete;
  staged_output(const staged_output&) = delete;
  staged_output& operator=(const staged_output&) = delete;
  ~staged_output();

  const output_target& target() const noexcept {
    return target_;
  }

  /// Writes the content; errc::unwritable_output naming the file when it
  /// could not be written (the temporary file is gone then).
  error write(const std::function<void(std::ostream&)>& render);

  /// Puts the written file in place of the target atomically (streams:
  /// nothing to do); errc::unwritable_output when it cannot.
  error commit();

  /// Undoes a commit: the replaced content goes back (or the new file is
  /// removed when there was none).
  void roll_back() noexcept;

private:
  void discard() noexcept;

  output_target target_;
  /// The temporary file: the new content before commit, the replaced
  /// content after a commit that exchanged.
  std::string temp_;
  bool committed_ = false;
  bool exchanged_ = false;
};

/// Writes one output (see staged_output), first resolving `path`;
/// errc::unwritable_output naming the file when it cannot be written (the
/// target is unchanged then).
error write_file_atomically(const std::string& path,
                            const std::function<void(std::ostream&)>& write);

} // namespace troupe::detail
