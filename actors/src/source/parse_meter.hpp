// File: counting what tree-sitter allocates for the parse running on a
// thread (private to the actors component; see parse_budget.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "troupe/actors/source/parse_budget.hpp"

namespace troupe::actors::detail {

/// Why a parse was stopped through tree-sitter's cancellation flag.
enum class stop_reason : std::uint8_t {
  none,
  /// It reached its memory limit.
  memory_limit,
  /// The pool had no room for it to grow (it may run again with all it may
  /// use).
  memory_room,
  /// Its time ran out inside the grammar's scanner.
  time,
  /// The run was cancelled.
  cancelled,
};

/// The flag tree-sitter polls (every 100 parser operations) and why it was
/// set: the first reason wins.
struct parse_stop {
  std::size_t flag = 0;
  stop_reason reason = stop_reason::none;

  void stop(stop_reason why) noexcept {
    if (flag == 0) {
      reason = why;
      flag = 1;
    }
  }
};

/// The memory account of one parse: what tree-sitter holds for it, what it
/// may hold (its reservation, grown from the pool up to the limit), and the
/// flag that stops tree-sitter when it needs more. Active on the thread
/// that created it until `stop_counting`; releases its reservation when
/// destroyed (after the tree it paid for is gone).
class parse_meter {
public:
  /// A meter allowed `reserved` bytes already taken from `limits.pool`
  /// (or, without a pool, `limits.memory`), stopping the parse through
  /// `stop`.
  parse_meter(const parse_limits& limits, std::uint64_t reserved, parse_stop& stop) noexcept;
  ~parse_meter();
  parse_meter(const parse_meter&) = delete;
  parse_meter& operator=(const parse_meter&) = delete;

  /// Counts the allocations of this thread from now on.
  void start_counting() noexcept;
  /// Stops counting (the tree stays paid for until destruction).
  void stop_counting() noexcept;

  /// The most tree-sitter held for this parse at once.
  std::uint64_t peak() const noexcept {
    return peak_ > 0 ? static_cast<std::uint64_t>(peak_) : 0;
  }

  /// Bytes reserved for this parse now.
  std::uint64_t reserved() const noexcept {
    return reserved_;
  }

  /// Called by the counting allocator: `bytes` more or fewer held.
  void allocated(std::size_t bytes) noexcept;
  void freed(std::size_t bytes) noexcept;
  /// Called by the allocator that reads jemalloc's totals: this thread's
  /// allocated minus freed bytes now.
  void held(std::uint64_t thread_bytes) noexcept;

private:
  parse_limits limits_;
  std::uint64_t reserved_;
  std::int64_t used_ = 0;
  std::int64_t peak_ = 0;
  /// The thread's held bytes (jemalloc's totals) when counting started,
  /// less what was counted before.
  std::uint64_t base_ = 0;
  parse_stop& stop_;
  parse_meter* previous_ = nullptr;
  bool counting_ = false;
};

/// Installs the counting allocator into tree-sitter (once per process).
/// Under jemalloc it reads the thread's allocation totals after each
/// allocation; otherwise it asks every block allocated or freed its size.
void install_counting_allocator() noexcept;

/// While alive, the blocks tree-sitter allocates on this thread are whole
/// cache lines (installs the counting allocator). For creating a parser:
/// its parse stack's bookkeeping is read and written at every parser step,
/// and wherever the allocator placed it among other blocks its loads stalled
/// (measured, cold run of /usr/lib/python3.11: cpu-clock samples on the
/// ts_stack_* loads of the version count 5x those of the same parse on the
/// previous core, ~4% of the run's CPU time; with whole lines, as before).
class parser_layout_scope {
public:
  parser_layout_scope() noexcept;
  ~parser_layout_scope();
  parser_layout_scope(const parser_layout_scope&) = delete;
  parser_layout_scope& operator=(const parser_layout_scope&) = delete;
};

/// Whether this process's allocator keeps per-thread totals (jemalloc).
bool thread_totals_available() noexcept;

/// Whether the installed allocator reads those totals (false before
/// install_counting_allocator).
bool meters_read_thread_totals() noexcept;

} // namespace troupe::actors::detail
