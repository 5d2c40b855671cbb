// The memory pool of parses, the per-parse meter and the counting
// allocator handed to tree-sitter.
#include "troupe/actors/source/parse_budget.hpp"

#include "source/parse_meter.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <malloc.h>

#include <tree_sitter/api.h>

// jemalloc's control interface, when the process runs on jemalloc (troupe's
// executables do; a host may not): weak, so that nothing depends on it.
extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp,
                       std::size_t newlen) __attribute__((weak));

namespace troupe::actors {

namespace {

/// Hands memory freed by a large parse back to the system, so that the
/// pool's bound is one on the process: an allocator keeps freed pages for
/// reuse by the same arena (thread), and parses on other threads would add
/// their own.
void return_free_memory() noexcept {
  if (mallctl != nullptr) {
    // MALLCTL_ARENAS_ALL is 4096 in jemalloc 5.
    (void) mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
    return;
  }
  (void) malloc_trim(0);
}

/// Parses that held at least this much give their freed memory back.
constexpr std::uint64_t large_parse_bytes = 16u << 20;

} // namespace

const char* to_string(parse_outcome outcome) noexcept {
  switch (outcome) {
    case parse_outcome::done: return "done";
    case parse_outcome::over_time: return "over_time";
    case parse_outcome::over_memory: return "over_memory";
    case parse_outcome::cancelled: return "cancelled";
    case parse_outcome::refused: return "refused";
  }
  return "unknown";
}

bool parse_memory_pool::reserve(std::uint64_t bytes, const std::atomic<bool>* cancelled) {
  bytes = std::min(bytes, capacity_);
  std::unique_lock<std::mutex> lock{mtx_};
  auto ticket = next_ticket_++;
  // Served in arrival order; a waiter that gives up is skipped.
  while (serving_ != ticket || used_ + bytes > capacity_) {
    if (cancelled && cancelled->load(std::memory_order_relaxed)) {
      abandoned_.push_back(ticket);
      skip_abandoned();
      freed_.notify_all();
      return false;
    }
    freed_.wait_for(lock, std::chrono::milliseconds(50));
  }
  ++serving_;
  skip_abandoned();
  used_ += bytes;
  peak_ = std::max(peak_, used_);
  freed_.notify_all(); // the next in line may fit as well
  return true;
}

void parse_memory_pool::skip_abandoned() {
  for (auto i = abandoned_.begin(); i != abandoned_.end();) {
    if (*i == serving_) {
      ++serving_;
      abandoned_.erase(i);
      i = abandoned_.begin();
    } else {
      ++i;
    }
  }
}

bool parse_memory_pool::try_reserve(std::uint64_t bytes) noexcept {
  std::lock_guard<std::mutex> lock{mtx_};
  if (used_ + bytes > capacity_)
    return false;
  used_ += bytes;
  peak_ = std::max(peak_, used_);
  return true;
}

void parse_memory_pool::release(std::uint64_t bytes) noexcept {
  {
    std::lock_guard<std::mutex> lock{mtx_};
    used_ -= std::min(bytes, used_);
  }
  freed_.notify_all();
}

std::uint64_t parse_memory_pool::in_use() const noexcept {
  std::lock_guard<std::mutex> lock{mtx_};
  return used_;
}

std::uint64_t parse_memory_pool::peak() const noexcept {
  std::lock_guard<std::mutex> lock{mtx_};
  return peak_;
}

namespace detail {

namespace {

/// The meter of the parse running on this thread, if any.
thread_local parse_meter* active_meter = nullptr;

/// Reservations grow in steps of this much (or what is left to the limit).
constexpr std::uint64_t growth_step = 4u << 20;

/// jemalloc's running totals of the bytes this thread allocated and freed
/// (`thread.allocatedp`, `thread.deallocatedp`): null without jemalloc.
struct thread_totals {
  const std::uint64_t* allocated = nullptr;
  const std::uint64_t* deallocated = nullptr;
};

thread_totals read_thread_totals() noexcept {
  thread_totals t;
  if (mallctl == nullptr)
    return t;
  std::uint64_t* allocated = nullptr;
  std::uint64_t* deallocated = nullptr;
  std::size_t size = sizeof allocated;
  if (mallctl("thread.allocatedp", &allocated, &size, nullptr, 0) != 0)
    return t;
  size = sizeof deallocated;
  if (mallctl("thread.deallocatedp", &deallocated, &size, nullptr, 0) != 0)
    return t;
  t.allocated = allocated;
  t.deallocated = deallocated;
  return t;
}

/// Whether the meters read jemalloc's totals (decided once, when the
/// allocator is installed) rather than asking the size of every block.
bool tallied = false;

/// Set while a parser is being created on this thread (parser_layout_scope).
thread_local bool whole_lines = false;

/// The size of a cache line, which the parser's own state is given whole.
constexpr std::size_t line_bytes = 64;

/// A block of whole cache lines: nothing another thread allocates shares a
/// line with it.
void* whole_line_block(std::size_t n) noexcept {
  return std::aligned_alloc(line_bytes, (std::max<std::size_t>(n, 1) + line_bytes - 1)
                                          / line_bytes * line_bytes);
}

void* whole_line_zeroed(std::size_t count, std::size_t size) noexcept {
  if (size != 0 && count > SIZE_MAX / size)
    return nullptr;
  void* p = whole_line_block(count * size);
  if (p != nullptr)
    std::memset(p, 0, count * size);
  return p;
}

/// The block both installed allocators hand out before counting it.
void* new_block(std::size_t n) noexcept {
  return whole_lines ? whole_line_block(n) : std::malloc(n);
}

void* new_zeroed_block(std::size_t count, std::size_t size) noexcept {
  return whole_lines ? whole_line_zeroed(count, size) : std::calloc(count, size);
}

/// What this thread holds by jemalloc's totals (wrapping: only
/// differences count).
std::uint64_t thread_held() noexcept {
  thread_local const thread_totals totals = read_thread_totals();
  if (totals.allocated == nullptr)
    return 0;
  return *totals.allocated - *totals.deallocated;
}

// Under jemalloc: after each allocation the meter reads the thread's
// totals, two loads (frees need no hook: the next allocation sees them).
// Asking each block its size (malloc_usable_size, a lookup in jemalloc's
// page map per malloc and free) cost about 1% more instructions per parse
// and cache misses besides.
void* note_held(void* p) {
  if (p != nullptr && active_meter != nullptr)
    active_meter->held(thread_held());
  return p;
}

void* tallied_malloc(std::size_t n) {
  return note_held(new_block(n));
}

void* tallied_calloc(std::size_t count, std::size_t size) {
  return note_held(new_zeroed_block(count, size));
}

void* tallied_realloc(void* old, std::size_t n) {
  return note_held(std::realloc(old, n));
}

void tallied_free(void* p) {
  std::free(p);
}

// Any other allocator: each block's size, as it is allocated and freed.
void* note_allocated(void* p) {
  if (p != nullptr && active_meter != nullptr)
    active_meter->allocated(malloc_usable_size(p));
  return p;
}

void* counted_malloc(std::size_t n) {
  return note_allocated(new_block(n));
}

void* counted_calloc(std::size_t count, std::size_t size) {
  return note_allocated(new_zeroed_block(count, size));
}

void* counted_realloc(void* old, std::size_t n) {
  auto* meter = active_meter;
  std::size_t before = old != nullptr && meter != nullptr ? malloc_usable_size(old) : 0;
  void* p = std::realloc(old, n);
  if (meter != nullptr && (p != nullptr || n == 0)) {
    meter->freed(before);
    if (p != nullptr)
      meter->allocated(malloc_usable_size(p));
  }
  return p;
}

void counted_free(void* p) {
  if (p != nullptr && active_meter != nullptr)
    active_meter->freed(malloc_usable_size(p));
  std::free(p);
}

} // namespace

bool thread_totals_available() noexcept {
  return read_thread_totals().allocated != nullptr;
}

bool meters_read_thread_totals() noexcept {
  return tallied;
}

void install_counting_allocator() noexcept {
  static std::once_flag once;
  std::call_once(once, [] {
    tallied = thread_totals_available();
    if (tallied)
      ts_set_allocator(tallied_malloc, tallied_calloc, tallied_realloc, tallied_free);
    else
      ts_set_allocator(counted_malloc, counted_calloc, counted_realloc, counted_free);
  });
}

parser_layout_scope::parser_layout_scope() noexcept {
  install_counting_allocator();
  whole_lines = true;
}

parser_layout_scope::~parser_layout_scope() {
  whole_lines = false;
}

parse_meter::parse_meter(const parse_limits& limits, std::uint64_t reserved,
                         parse_stop& stop) noexcept
  : limits_(limits), reserved_(reserved), stop_(stop) {
}

parse_meter::~parse_meter() {
  stop_counting();
  if (limits_.pool == nullptr)
    return;
  // The tree this meter paid for is gone (the lease outlives it).
  if (peak() >= large_parse_bytes)
    return_free_memory();
  limits_.pool->release(reserved_);
}

void parse_meter::start_counting() noexcept {
  if (counting_)
    return;
  previous_ = active_meter;
  active_meter = this;
  counting_ = true;
  if (tallied)
    base_ = thread_held() - static_cast<std::uint64_t>(used_); // used_ carries on
}

void parse_meter::stop_counting() noexcept {
  if (!counting_)
    return;
  active_meter = previous_;
  counting_ = false;
}

void parse_meter::allocated(std::size_t bytes) noexcept {
  used_ += static_cast<std::int64_t>(bytes);
  peak_ = std::max(peak_, used_);
  if (used_ <= static_cast<std::int64_t>(reserved_) || stop_.flag != 0)
    return;
  // Beyond the reservation: grow it from the pool, up to the limit.
  auto limit = limits_.memory > 0 ? limits_.memory : UINT64_MAX;
  if (limits_.pool != nullptr)
    limit = std::min(limit, limits_.pool->capacity());
  auto wanted = static_cast<std::uint64_t>(used_);
  if (wanted > limit) {
    stop_.stop(stop_reason::memory_limit);
    return;
  }
  if (limits_.pool == nullptr) {
    reserved_ = limit;
    return;
  }
  auto step = std::min(limit - reserved_, std::max(growth_step, wanted - reserved_));
  if (limits_.pool->try_reserve(step)) {
    reserved_ += step;
    return;
  }
  // No room now: the caller starts it again with all it may have.
  stop_.stop(stop_reason::memory_room);
}

void parse_meter::held(std::uint64_t thread_bytes) noexcept {
  auto now = static_cast<std::int64_t>(thread_bytes - base_);
  if (now > used_)
    allocated(static_cast<std::size_t>(now - used_));
  else
    used_ = now;
}

void parse_meter::freed(std::size_t bytes) noexcept {
  used_ -= static_cast<std::int64_t>(bytes);
}

} // namespace detail

} // namespace troupe::actors
