// File: troupe's error value: a code, the errno behind it and a message.
//
// Usage:
//
//   troupe::error open_folder(const std::string& dir) {
//     if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
//       return {troupe::errc::unreadable_input, errno, "cannot create " + dir};
//     return {};
//   }
//   if (auto err = open_folder(d)) log->warn("{}", err.message());
//
// Like `caf::error`, it converts to `true` when it holds an error. Inside the
// runtime it travels as a `caf::error` of the category "troupe"
// (troupe/base/internal/caf_error.hpp); public headers show only this type.
#pragma once

#include <string>
#include <utility>

#include "troupe/base/errc.hpp"

namespace troupe {

/// The outcome of an operation that can fail: empty on success.
class [[nodiscard]] error {
public:
  /// No error.
  error() noexcept = default;

  /// An error with a code and a readable message.
  error(errc code, std::string message) : code_(code), message_(std::move(message)) {
  }

  /// An error with a code, the errno behind it and a readable message.
  error(errc code, int sys_errno, std::string message)
    : code_(code), sys_errno_(sys_errno), message_(std::move(message)) {
  }

  /// Whether this holds an error.
  explicit operator bool() const noexcept {
    return code_ != errc::ok;
  }

  /// The error code; `errc::ok` when there is no error.
  errc code() const noexcept {
    return code_;
  }

  /// The errno that caused the error, e.g. ENOSPC; 0 if none.
  int sys_errno() const noexcept {
    return sys_errno_;
  }

  /// A one-line description, e.g. "cannot write /c/ab/x.rec: No space left
  /// on device"; empty when there is no error.
  const std::string& message() const noexcept {
    return message_;
  }

  /// "code: message", e.g. "agent_failed: size on a.py: bad record".
  std::string to_string() const;

  friend bool operator==(const error& a, const error& b) noexcept {
    return a.code_ == b.code_ && a.sys_errno_ == b.sys_errno_ && a.message_ == b.message_;
  }
  friend bool operator!=(const error& a, const error& b) noexcept {
    return !(a == b);
  }

private:
  errc code_ = errc::ok;
  int sys_errno_ = 0;
  std::string message_;
};

} // namespace troupe
