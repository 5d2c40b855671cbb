// File: forward declarations and the value type shared by every cache tier.
#pragma once

#include <memory>
#include <string>
#include <utility>

namespace troupe {
class error;
} // namespace troupe

namespace troupe::cache {

using cache_error = troupe::error;
class cache_key;
class key_history;
class l1_store;
class l2_store;
class l3_tier;
class latency_histogram;
class tiered_cache;
struct digest;
struct key_parts;

/// A cached record: immutable bytes shared by every holder, so a hit hands
/// out a reference count instead of a copy. Null means "absent".
using value_ptr = std::shared_ptr<const std::string>;

/// The decoded form of a record (the objects its bytes deserialise to),
/// which the memory tier can keep next to the bytes so that a hit in the
/// same process decodes nothing. Its type is known to whoever decoded it:
/// the agent a key belongs to decides what is attached under it.
using decoded_ptr = std::shared_ptr<const void>;

/// Makes a `value_ptr` from bytes (one allocation for control block and
/// string header).
inline value_ptr make_value(std::string bytes) {
  return std::make_shared<const std::string>(std::move(bytes));
}

} // namespace troupe::cache
