// A parse under a budget: it stops when its time runs out (also inside one
// long scan of the grammar's scanner), when the run is cancelled (within a
// second), when it would hold more memory than it may; parses sharing a
// memory pool wait for room and never hold more than the pool together; a
// parse within its budget gives the tree an unlimited parse gives.
#include "troupe/actors/source/parse_budget.hpp"
#include "troupe/actors/source/python_parser.hpp"

#include "source/parse_meter.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

extern "C" {
// libtree-sitter's current allocator (lib/src/alloc.h of 0.20.7, exported).
extern void* (*ts_current_malloc)(std::size_t);
extern void* (*ts_current_calloc)(std::size_t, std::size_t);
extern void (*ts_current_free)(void*);
}

using namespace troupe::actors;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

/// `x = 1` and `lines` line continuations inside a block: valid Python whose
/// parse costs O(lines^2) in the grammar's scanner (200,000: minutes).
std::string continuations(std::size_t lines) {
  std::string text = "def f():\n    x = 1";
  for (std::size_t i = 0; i < lines; ++i)
    text += " \\\n";
  return text + "\n    return x\n";
}

/// `x = 1+1+...+1` with `terms` ones: ~150 bytes of parse memory per byte.
std::string long_sum(std::size_t terms) {
  std::string text = "x = 1";
  for (std::size_t i = 1; i < terms; ++i)
    text += "+1";
  return text + "\n";
}

/// Ordinary code of about `functions` small functions.
std::string ordinary(std::size_t functions) {
  std::string text;
  for (std::size_t i = 0; i < functions; ++i)
    text += "def f" + std::to_string(i) + "(a, b=2):\n    if a:\n        return a + b\n"
            "    return [x for x in range(b)]\n\n";
  return text;
}

} // namespace

TEST_CASE("a parse stops when its time runs out, also inside one scan", "[parse_budget]") {
  python_parser parser;
  auto text = continuations(200'000);
  parse_limits limits;
  limits.time = std::chrono::milliseconds(300);
  auto started = clock_type::now();
  auto parsed = parser.parse(text, limits);
  auto took = seconds_since(started);
  CHECK(parsed.outcome == parse_outcome::over_time);
  CHECK_FALSE(parsed.tree);
  CHECK(took < 0.3 + 0.5);
  // The parser is usable again afterwards.
  auto next = parser.parse(ordinary(3), limits);
  CHECK(next.outcome == parse_outcome::done);
  CHECK(next.tree.syntax_errors() == 0);
}

TEST_CASE("a cancelled run stops a parse within a second", "[parse_budget]") {
  python_parser parser;
  auto text = continuations(200'000);
  std::atomic<bool> cancelled{false};
  parse_limits limits;
  limits.time = std::chrono::seconds(60);
  limits.cancelled = &cancelled;
  clock_type::time_point cancelled_at;
  std::thread canceller{[&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancelled_at = clock_type::now();
    cancelled = true;
  }};
  auto parsed = parser.parse(text, limits);
  auto stopped_after = seconds_since(cancelled_at);
  canceller.join();
  CHECK(parsed.outcome == parse_outcome::cancelled);
  CHECK(stopped_after < 1.0);
}

TEST_CASE("a parse that would hold more memory than it may is stopped", "[parse_budget]") {
  python_parser parser;
  auto text = long_sum(500'000); // ~1 MB: ~150 MB to parse in full
  parse_limits limits;
  limits.memory = 16u << 20;
  auto parsed = parser.parse(text, limits);
  CHECK(parsed.outcome == parse_outcome::over_memory);
  CHECK(parsed.peak_bytes > limits.memory);
  CHECK(parsed.peak_bytes < limits.memory + (2u << 20)); // stopped at once
  auto next = parser.parse(ordinary(3), limits);
  CHECK(next.outcome == parse_outcome::done);
}

TEST_CASE("parses are metered the way this process's allocator allows", "[parse_budget]") {
  python_parser parser;
  parse_limits limits;
  limits.memory = 64u << 20;
  auto parsed = parser.parse(long_sum(20'000), limits);
  REQUIRE(parsed.outcome == parse_outcome::done);
  CHECK(parsed.peak_bytes > 1u << 20); // ~40 KB of `+1` holds megabytes
#ifdef TROUPE_TEST_ON_JEMALLOC
  // Linked with jemalloc: the meters read its per-thread totals.
  CHECK(detail::thread_totals_available());
  CHECK(detail::meters_read_thread_totals());
#else
  CHECK_FALSE(detail::thread_totals_available());
  CHECK_FALSE(detail::meters_read_thread_totals());
#endif
}

TEST_CASE("a parse within its budget gives the tree an unlimited parse gives", "[parse_budget]") {
  python_parser parser;
  auto text = ordinary(200) + "def broken(:\n    pass\n";
  auto plain = parser.parse(text);
  parse_limits limits;
  limits.time = std::chrono::seconds(10);
  limits.memory = 64u << 20;
  parse_memory_pool pool{64u << 20};
  limits.pool = &pool;
  {
    auto limited = parser.parse(text, limits);
    REQUIRE(limited.outcome == parse_outcome::done);
    CHECK(limited.tree.syntax_errors() == plain.syntax_errors());
    auto shape = [](TSNode root) {
      char* text = ts_node_string(root);
      std::string out{text};
      std::free(text);
      return out;
    };
    CHECK(shape(limited.tree.root()) == shape(plain.root()));
    CHECK(limited.peak_bytes > 0);
    CHECK(pool.in_use() > 0); // held by the lease while the tree lives
  }
  CHECK(pool.in_use() == 0);
}

TEST_CASE("parses sharing a pool wait for room and never hold more than it", "[parse_budget]") {
  // Each parse needs about 10-15 MiB; the pool holds two at a time, and a
  // parse that cannot grow starts again once it can have the whole pool.
  parse_memory_pool pool{32u << 20};
  auto text = long_sum(40'000);
  std::vector<parse_outcome> outcomes(6);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    threads.emplace_back([&, i] {
      python_parser parser;
      parse_limits limits;
      limits.memory = 32u << 20;
      limits.pool = &pool;
      outcomes[i] = parser.parse(text, limits).outcome;
    });
  for (auto& t : threads)
    t.join();
  for (auto o : outcomes)
    CHECK(o == parse_outcome::done);
  CHECK(pool.peak() <= pool.capacity());
  CHECK(pool.in_use() == 0);
}

TEST_CASE("a wait for the pool ends when the run is cancelled", "[parse_budget]") {
  parse_memory_pool pool{8u << 20};
  REQUIRE(pool.reserve(8u << 20, nullptr));
  std::atomic<bool> cancelled{false};
  std::thread canceller{[&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancelled = true;
  }};
  python_parser parser;
  parse_limits limits;
  limits.pool = &pool;
  limits.cancelled = &cancelled;
  auto parsed = parser.parse(ordinary(1), limits);
  canceller.join();
  CHECK(parsed.outcome == parse_outcome::cancelled);
  pool.release(8u << 20);
  CHECK(pool.reserve(1u << 20, nullptr)); // a waiter that gave up blocks nobody
  pool.release(1u << 20);
}


TEST_CASE("while a parser is created, tree-sitter's blocks are whole cache lines",
          "[parse_budget]") {
  auto line = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; };
  {
    detail::parser_layout_scope whole_lines;
    // Odd sizes: an allocator's own classes would give 16-byte alignment.
    for (std::size_t n : {1u, 24u, 88u, 100u, 1000u}) {
      void* p = ts_current_malloc(n);
      CHECK(line(p));
      ts_current_free(p);
    }
    auto* zeroed = static_cast<unsigned char*>(ts_current_calloc(3, 29));
    CHECK(line(zeroed));
    bool all_zero = true;
    for (std::size_t i = 0; i < 3 * 29; ++i)
      all_zero = all_zero && zeroed[i] == 0;
    CHECK(all_zero);
    ts_current_free(zeroed);
    CHECK(ts_current_calloc(SIZE_MAX / 2, 4) == nullptr); // overflow refused
  }
  // After the scope: blocks of an allocator's own classes again (of 64
  // blocks of 24 bytes, not all can start a line).
  std::vector<void*> small;
  for (int i = 0; i < 64; ++i)
    small.push_back(ts_current_malloc(24));
  CHECK_FALSE(std::all_of(small.begin(), small.end(), line));
  for (void* p : small)
    ts_current_free(p);
  // A parser made this way parses as any other.
  python_parser parser;
  CHECK(parser.parse(ordinary(3), parse_limits{}).outcome == parse_outcome::done);
}
