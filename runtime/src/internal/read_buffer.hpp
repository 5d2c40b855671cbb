// File: reading whole files into a reused buffer. Internal.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace troupe::detail {

/// A read buffer that grows but is never zero-filled or freed between
/// files: fresh allocations and std::string's zero-fill cost a page fault
/// per 4 KiB and a memset, which dominated warm runs. Keep one per thread.
class read_buffer {
public:
  /// Reads the whole file; false with `error` set on failure.
  bool read(const std::string& path, std::string& error);

  /// The bytes of the last successful read.
  std::string_view view() const noexcept {
    return {data_.get(), size_};
  }

private:
  void reserve(std::size_t n);

  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

} // namespace troupe::detail
