// File: the error value returned by cache operations that can fail.
#pragma once

#include "troupe/base/error.hpp"

namespace troupe::cache {

/// The outcome of a cache operation: empty on success, else a code, the
/// errno that caused it (0 if none) and a message naming the path, e.g.
/// `if (auto err = l2.put(key, value)) warn(err.message());`.
using cache_error = troupe::error;

} // namespace troupe::cache
