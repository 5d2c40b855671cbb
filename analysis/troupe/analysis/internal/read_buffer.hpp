// File: reading whole files into a reused buffer. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "troupe/base/error.hpp"

namespace troupe::detail {

/// A read buffer that grows but is never zero-filled or freed between
/// files: fresh allocations and std::string's zero-fill cost a page fault
/// per 4 KiB and a memset, which dominated warm runs. Keep one per thread.
class read_buffer {
public:
  /// Reads the whole file; errc::unreadable_input with the system's reason
  /// (not the path) on failure.
  error read(const std::string& path);

  /// Reads the whole file, expected to hold `expected_size` bytes (from a
  /// listing moments ago): no fstat, and a read that stops at that size is
  /// the end (a file that grew or shrank since is still read whole).
  error read(const std::string& path, std::uint64_t expected_size);

  /// The bytes of the last successful read.
  std::string_view view() const noexcept {
    return {data_.get(), size_};
  }

private:
  error read(int fd, std::uint64_t expected_size);
  void reserve(std::size_t n);

  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

} // namespace troupe::detail
