// File: what a host writes to add an agent of its own: a handler from
// serialisable input (bytes) to serialisable output (bytes).
//
// Usage:
//
//   troupe::agent_registry reg;
//   reg.add({"line_count", 1, troupe::agent_scope::per_item, {}, "lines per item"},
//           [](const troupe::agent_input& in) -> troupe::expected<std::string> {
//             return std::to_string(std::count(in.content.begin(), in.content.end(), '\n'));
//           });
//
// Thread-safety: a handler is called on worker threads, several at once for
// a per-item agent; it must not mutate shared state without its own lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/agent_descriptor.hpp"
#include "troupe/base/expected.hpp"

namespace troupe {

/// How an agent's work is split: per input item, across all items
/// (`corpus`), or as a final aggregation.
using agent_scope = actors::agent_scope;

/// The identity and edges of an agent (id, version, scope, dependencies).
using agent_descriptor = actors::agent_descriptor;

/// An output of an agent this one depends on.
struct upstream_output {
  /// The agent that produced it.
  std::string_view agent;
  /// The item it belongs to, or `no_item` for an output of a whole task.
  std::uint32_t item = 0;
  std::string_view bytes;
  static constexpr std::uint32_t no_item = 0xffffffffu;
};

/// What a handler is called with.
struct agent_input {
  /// For a per-item agent: the item's index, name and content; otherwise
  /// `no_item` and empty.
  std::uint32_t item = upstream_output::no_item;
  std::string_view name;
  std::string_view content;
  /// The task's own input bytes (task_spec::payload).
  std::string_view payload;
  /// Outputs of the agents this one depends on: for a per-item agent those
  /// of the same item and those of whole tasks; otherwise all of them.
  std::vector<upstream_output> upstream;
  /// 1 for the first attempt, 2 for the first retry, ...
  std::uint32_t attempt = 1;
  /// Set when the run is being cancelled; long handlers should poll it.
  const std::atomic<bool>* cancelled = nullptr;
};

/// Computes an agent's output, or the error that prevented it. An
/// exception thrown by it counts as a failure of this item.
using agent_handler = std::function<expected<std::string>(const agent_input&)>;

} // namespace troupe
