// File: the error value returned by cache operations that can fail.
#pragma once

#include <string>
#include <utility>

#include "troupe/config/errc.hpp"

namespace troupe::cache {

/// The outcome of a cache operation: empty on success, else a code, the
/// errno that caused it (0 if none) and a message naming the path.
///
/// Like `caf::error`, it converts to `true` when it holds an error, so
/// `if (auto err = l2.put(key, value)) warn(err.message());` reads naturally.
/// An actor wrapper converts it with `caf::make_error(err.code(),
/// err.message())` once `troupe::errc` is registered with CAF.
class [[nodiscard]] cache_error {
public:
  /// No error.
  cache_error() noexcept = default;

  /// An error with a code, the errno behind it and a readable message.
  cache_error(errc code, int sys_errno, std::string message)
    : code_(code), sys_errno_(sys_errno), message_(std::move(message)) {
  }

  /// Whether this holds an error.
  explicit operator bool() const noexcept {
    return code_ != errc::ok;
  }

  /// The troupe error code; `errc::ok` when there is no error.
  errc code() const noexcept {
    return code_;
  }

  /// The errno that caused the error, e.g. ENOSPC or EROFS; 0 if none.
  int sys_errno() const noexcept {
    return sys_errno_;
  }

  /// A one-line description such as "cannot write /c/ab/x.rec: No space left
  /// on device".
  const std::string& message() const noexcept {
    return message_;
  }

private:
  errc code_ = errc::ok;
  int sys_errno_ = 0;
  std::string message_;
};

} // namespace troupe::cache
