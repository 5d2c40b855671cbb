// File: the tree-sitter parser for Python.
#include "troupe/actors/source/python_parser.hpp"

#include "source/parse_meter.hpp"
#include "source/python_prescan.hpp"
#include "source/watched_scanner.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <new>
#include <string>
#include <utility>

namespace troupe::actors {

python_parser::python_parser() {
  detail::parser_layout_scope whole_lines;
  parser_ = ts_parser_new();
  if (parser_ == nullptr)
    throw std::bad_alloc{};
  // The grammar with its scanner watched: a parse with a budget can stop
  // inside a scan (watched_scanner.hpp); without one it is the grammar.
  ts_parser_set_language(parser_, detail::watched_python_language());
}

python_parser::python_parser(python_parser&& other) noexcept
  : parser_(std::exchange(other.parser_, nullptr)) {
  // nop
}

python_parser& python_parser::operator=(python_parser&& other) noexcept {
  if (this != &other) {
    if (parser_ != nullptr)
      ts_parser_delete(parser_);
    parser_ = std::exchange(other.parser_, nullptr);
  }
  return *this;
}

python_parser::~python_parser() {
  if (parser_ != nullptr)
    ts_parser_delete(parser_);
}

void python_parser::set_timeout(std::chrono::microseconds limit) noexcept {
  if (parser_ != nullptr)
    ts_parser_set_timeout_micros(parser_,
                                 static_cast<std::uint64_t>(limit.count()));
}

bool python_parser::refused(std::string_view utf8) {
  if (utf8.size() >= std::numeric_limits<std::uint32_t>::max())
    return true;
  // Every stack entry stands for at least one byte (or a zero-width dedent
  // after an indent), so a small file cannot get near the depth at which
  // libtree-sitter 0.20.7 corrupts its heap.
  constexpr std::size_t always_safe_bytes = 16 * 1024;
  return utf8.size() > always_safe_bytes
         && detail::estimate_parse_depth(utf8) > detail::max_parse_depth;
}

syntax_tree python_parser::parse(std::string_view utf8) {
  if (parser_ == nullptr || refused(utf8))
    return syntax_tree{};
  auto tree = parse_once(utf8);
  if (tree.syntax_errors() == 0 || !tree)
    return tree;
  // Maybe the scanner's dedent-inside-brackets bug: retry on a copy whose
  // continuation lines are indented with tabs (same length, same positions).
  std::string widened{utf8};
  if (!detail::widen_bracket_indentation(widened))
    return tree;
  auto retry = parse_once(widened);
  if (retry && retry.syntax_errors() < tree.syntax_errors())
    return retry;
  return tree;
}

TSTree* python_parser::parse_sliced(std::string_view utf8, const parse_limits& limits,
                                    std::chrono::steady_clock::time_point deadline,
                                    detail::parse_stop& stop, parse_outcome& outcome) {
  using clock = std::chrono::steady_clock;
  // Slices short enough that a cancelled run stops a parse at once; a
  // parse stopped by its timeout resumes where it left off. A scan of the
  // grammar's scanner is stopped by the watch (watched_scanner.hpp).
  constexpr auto slice = std::chrono::milliseconds(50);
  detail::scan_watch watch{deadline, limits.cancelled, &stop};
  detail::scan_watch_scope watching{watch};
  ts_parser_set_cancellation_flag(parser_, &stop.flag);
  TSTree* tree = nullptr;
  outcome = parse_outcome::done;
  for (;;) {
    auto left = deadline - clock::now();
    if (left <= clock::duration::zero())
      stop.stop(detail::stop_reason::time);
    else if (limits.cancelled != nullptr && limits.cancelled->load(std::memory_order_relaxed))
      stop.stop(detail::stop_reason::cancelled);
    if (stop.flag != 0)
      break;
    auto step = std::chrono::duration_cast<std::chrono::microseconds>(
      std::min<clock::duration>(left, slice));
    ts_parser_set_timeout_micros(parser_,
                                 static_cast<std::uint64_t>(std::max<std::int64_t>(1, step.count())));
    tree = ts_parser_parse_string(parser_, nullptr, utf8.data(),
                                  static_cast<std::uint32_t>(utf8.size()));
    if (tree != nullptr || stop.flag != 0)
      break;
  }
  ts_parser_set_timeout_micros(parser_, 0);
  ts_parser_set_cancellation_flag(parser_, nullptr);
  if (tree != nullptr && stop.flag != 0) {
    // Finished, but a scan was cut short on the way: not the file's tree.
    ts_tree_delete(tree);
    tree = nullptr;
  }
  if (tree == nullptr) {
    ts_parser_reset(parser_); // drop the partial parse state
    switch (stop.reason) {
      case detail::stop_reason::time: outcome = parse_outcome::over_time; break;
      case detail::stop_reason::cancelled: outcome = parse_outcome::cancelled; break;
      default: outcome = parse_outcome::over_memory; break;
    }
  }
  return tree;
}

limited_parse python_parser::parse(std::string_view utf8, const parse_limits& limits) {
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  limited_parse out;
  auto finish = [&](parse_outcome outcome) {
    out.outcome = outcome;
    out.seconds = std::chrono::duration<double>(clock::now() - started).count();
    return std::move(out);
  };
  if (parser_ == nullptr || refused(utf8))
    return finish(parse_outcome::refused);
  auto deadline = limits.time.count() > 0 ? started + limits.time : clock::time_point::max();
  bool metered = limits.memory > 0 || limits.pool != nullptr;
  if (metered)
    detail::install_counting_allocator();
  // The most this parse may hold, and what it reserves first.
  std::uint64_t cap = limits.memory > 0 ? limits.memory : UINT64_MAX;
  if (limits.pool != nullptr)
    cap = std::min(cap, limits.pool->capacity());
  auto first = std::min(cap, estimated_parse_bytes(utf8.size()));
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto reserve = attempt == 0 ? first : cap;
    if (limits.pool != nullptr && !limits.pool->reserve(reserve, limits.cancelled))
      return finish(parse_outcome::cancelled);
    // Shared: the lease keeps the stop state alive with the meter.
    struct attempt_state {
      detail::parse_stop stop;
      detail::parse_meter meter;
      attempt_state(const parse_limits& l, std::uint64_t r) : meter(l, r, stop) {
      }
    };
    auto state = std::make_shared<attempt_state>(limits, limits.pool != nullptr ? reserve : cap);
    if (metered)
      state->meter.start_counting();
    parse_outcome outcome;
    auto* tree = parse_sliced(utf8, limits, deadline, state->stop, outcome);
    if (tree != nullptr && count_syntax_errors(ts_tree_root_node(tree)) > 0) {
      // Maybe the scanner's dedent-inside-brackets bug (see parse above),
      // within what is left of the same budget.
      std::string widened{utf8};
      if (detail::widen_bracket_indentation(widened)) {
        parse_outcome retry_outcome;
        auto* retry = parse_sliced(widened, limits, deadline, state->stop, retry_outcome);
        if (retry != nullptr
            && count_syntax_errors(ts_tree_root_node(retry))
                 < count_syntax_errors(ts_tree_root_node(tree)))
          std::swap(tree, retry);
        if (retry != nullptr) {
          ts_tree_delete(retry);
        } else {
          ts_tree_delete(tree); // the budget ran out in the retry
          tree = nullptr;
          outcome = retry_outcome;
        }
      }
    }
    state->meter.stop_counting();
    out.peak_bytes = std::max(out.peak_bytes, state->meter.peak());
    if (tree != nullptr) {
      out.tree = syntax_tree{tree};
      out.lease = std::move(state);
      return finish(parse_outcome::done);
    }
    // Stopped for memory because the pool had no room for it to grow: once
    // more with all it may have, waiting for it.
    bool no_room = state->stop.reason == detail::stop_reason::memory_room;
    if (!no_room || reserve >= cap)
      return finish(outcome);
  }
  return finish(parse_outcome::over_memory);
}

namespace {

/// Peak tree-sitter memory of a parse per byte of source, and a fixed part.
/// Measured on the default corpus (1,640 files, counted by parse_meter):
/// 28 bytes per byte at the median, 41 at the 90th percentile, 27 over all
/// bytes; the largest peak was 9.2 MiB (test_typing.py). Small files are
/// dominated by the fixed part. An estimate only sizes the first
/// reservation: a parse grows its reservation as it allocates.
constexpr std::uint64_t parse_bytes_per_source_byte = 40;
constexpr std::uint64_t parse_overhead_bytes = 256u << 10;

} // namespace

std::uint64_t estimated_parse_bytes(std::uint64_t source_bytes) noexcept {
  return parse_overhead_bytes + source_bytes * parse_bytes_per_source_byte;
}

syntax_tree python_parser::parse_once(std::string_view utf8) {
  auto* tree = ts_parser_parse_string(parser_, nullptr, utf8.data(),
                                      static_cast<std::uint32_t>(utf8.size()));
  if (tree == nullptr) // timed out: drop the partial parse state
    ts_parser_reset(parser_);
  return syntax_tree{tree};
}

} // namespace troupe::actors
