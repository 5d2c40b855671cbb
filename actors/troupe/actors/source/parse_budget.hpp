// File: what one parse may cost (time and memory), and the memory all
// parses of a process share.
//
// Usage:
//
//   actors::parse_memory_pool pool{64 << 20};      // for every parse of a run
//   actors::parse_limits limits;
//   limits.time = std::chrono::seconds(10);
//   limits.memory = 32 << 20;
//   limits.pool = &pool;
//   limits.cancelled = &run_cancelled;            // polled every 50 ms
//   auto parsed = parser.parse(text, limits);
//   if (parsed.outcome != actors::parse_outcome::done) ...
//
// Memory is what tree-sitter allocates for the parse (its subtrees, stacks
// and the tree), counted by an allocator installed with ts_set_allocator the
// first time a parse has a memory limit or a pool; the grammar's scanner and
// the agents that read the tree afterwards are not counted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace troupe::actors {

class parse_memory_pool;

/// Bounds of one parse; zero means unbounded.
struct parse_limits {
  /// Wall time the parse may take.
  std::chrono::microseconds time{0};
  /// Bytes tree-sitter may hold for this parse (a file needing more is over
  /// budget).
  std::uint64_t memory = 0;
  /// The memory shared with the other parses of the process: a parse waits
  /// until its estimated cost fits, and draws its growth from it; null:
  /// nothing shared.
  parse_memory_pool* pool = nullptr;
  /// Polled during the parse (and while it waits for the pool): a set flag
  /// ends it within ~50 ms.
  const std::atomic<bool>* cancelled = nullptr;
};

/// How a parse ended.
enum class parse_outcome : std::uint8_t {
  /// A tree (possibly with syntax errors).
  done,
  /// It needed more than parse_limits::time.
  over_time,
  /// It needed more than parse_limits::memory (or than the whole pool).
  over_memory,
  /// parse_limits::cancelled was set.
  cancelled,
  /// Refused before parsing: input of 4 GiB or more, or nesting so deep that
  /// libtree-sitter 0.20.7 would corrupt its heap.
  refused,
};

/// The stable name of an outcome ("done", "over_time", ...).
const char* to_string(parse_outcome outcome) noexcept;

/// Bytes that every parse of a process may hold together (a run's share of
/// parallel.memory_limit). A parse reserves its estimated cost before it
/// starts, waiting while other parses hold too much, and grows its
/// reservation as it allocates; a parse that cannot grow because others
/// hold the rest is stopped and started again once it can have all it may
/// use. Thread-safe.
class parse_memory_pool {
public:
  /// A pool of `capacity` bytes.
  explicit parse_memory_pool(std::uint64_t capacity) noexcept : capacity_(capacity) {
  }

  parse_memory_pool(const parse_memory_pool&) = delete;
  parse_memory_pool& operator=(const parse_memory_pool&) = delete;

  /// Takes `bytes` (at most the capacity), waiting until they are free;
  /// false when `cancelled` was set while waiting.
  bool reserve(std::uint64_t bytes, const std::atomic<bool>* cancelled);

  /// Takes `bytes` if they are free now.
  bool try_reserve(std::uint64_t bytes) noexcept;

  /// Gives back `bytes` taken before.
  void release(std::uint64_t bytes) noexcept;

  /// The pool's size.
  std::uint64_t capacity() const noexcept {
    return capacity_;
  }

  /// Bytes reserved now, and the most ever reserved at once.
  std::uint64_t in_use() const noexcept;
  std::uint64_t peak() const noexcept;

private:
  void skip_abandoned();

  const std::uint64_t capacity_;
  mutable std::mutex mtx_;
  std::condition_variable freed_;
  std::uint64_t used_ = 0;
  std::uint64_t peak_ = 0;
  /// Reservations waiting, in arrival order: a large one is not overtaken
  /// for ever by small ones.
  std::uint64_t next_ticket_ = 0;
  std::uint64_t serving_ = 0;
  /// Tickets whose waiter gave up before its turn.
  std::vector<std::uint64_t> abandoned_;
};

/// The bytes a parse of `source_bytes` of Python is expected to need
/// (measured on the default corpus: see python_parser.cpp).
std::uint64_t estimated_parse_bytes(std::uint64_t source_bytes) noexcept;

} // namespace troupe::actors
