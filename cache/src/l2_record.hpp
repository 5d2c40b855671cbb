// File: the byte layout of an L2 record and its verification (private).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "troupe/cache/cache_key.hpp"

namespace troupe::cache::detail {

/// Bytes before the payload of every L2 record.
constexpr std::size_t l2_header_size = 48;

/// Bumped whenever the layout changes; other versions read as corrupt.
constexpr std::uint32_t l2_format_version = 1;

/// The encoded header of one record.
using l2_header = std::array<unsigned char, l2_header_size>;

/// Encodes the header of a record holding `payload` under `key`, checksum
/// included.
l2_header encode_l2_header(const cache_key& key, std::string_view payload);

/// Reads the record in `fd`, a file of `file_size` bytes, with its payload
/// going to `payload`, which must hold `file_size - l2_header_size` bytes
/// (may be null when the file is shorter than a header); returns nullptr
/// when it is intact and holds `expected`, else why not ("empty",
/// "truncated", "bad magic", "unsupported version", "wrong key", "trailing
/// bytes", "checksum mismatch"). Header and payload are read with one
/// system call.
const char* read_l2_record(int fd, std::uint64_t file_size,
                           const cache_key& expected, char* payload);

} // namespace troupe::cache::detail
