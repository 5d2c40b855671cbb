// File: a value or the error that prevented it.
//
// Usage:
//
//   troupe::expected<std::string> read_text(const std::string& path);
//
//   auto text = read_text(p);
//   if (!text)
//     return text.error();
//   use(*text);
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>

#include "troupe/base/error.hpp"

namespace troupe {

/// Holds either a `T` or a (non-empty) `troupe::error`.
template <class T>
class [[nodiscard]] expected {
public:
  static_assert(!std::is_same_v<T, troupe::error>, "expected<error> is ambiguous");

  /// A value.
  expected(T value) : value_(std::move(value)) {
  }

  /// An error; `err` must hold one.
  expected(troupe::error err) : error_(std::move(err)) {
    assert(error_);
  }

  /// Whether a value is held.
  explicit operator bool() const noexcept {
    return value_.has_value();
  }

  bool has_value() const noexcept {
    return value_.has_value();
  }

  T& operator*() & {
    return *value_;
  }
  const T& operator*() const& {
    return *value_;
  }
  T&& operator*() && {
    return std::move(*value_);
  }
  T* operator->() {
    return &*value_;
  }
  const T* operator->() const {
    return &*value_;
  }

  /// The value; must hold one.
  T& value() & {
    return *value_;
  }
  const T& value() const& {
    return *value_;
  }

  /// The error; empty when a value is held.
  const troupe::error& error() const& noexcept {
    return error_;
  }
  troupe::error&& error() && noexcept {
    return std::move(error_);
  }

private:
  std::optional<T> value_;
  troupe::error error_;
};

} // namespace troupe
