// File: replacing an output file so that readers never see half of it.
// Internal.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace troupe::detail {

/// A replaced file of at least this size is kept as the temporary file of
/// the next write (see write_file_atomically).
constexpr std::uintmax_t spare_min_bytes = 1u << 20;

/// Writes `path` through a temporary file (PATH.tmp) swapped in by a
/// rename: a reader sees the old or the new file, whole. A replaced file of
/// spare_min_bytes or more stays behind as PATH.tmp and the next write
/// overwrites it in place (deleting a 35 MB report took 16 ms of a 0.56 s
/// run, the kernel freeing its page cache on the spot, and the next write
/// allocated that memory again); smaller ones are deleted. False, with a
/// message on standard error naming the file, when it cannot be written.
bool write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write);

} // namespace troupe::detail
