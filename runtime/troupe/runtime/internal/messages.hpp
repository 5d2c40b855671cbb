// File: the runtime's actor protocol: every message type and typed actor
// interface of a run, in one place. Internal: never installed (public
// headers show no CAF type); the nodes component includes it too.
//
//   supervisor -> agent lane : (run_atom, std::vector<task_request>)
//   agent lane -> supervisor : (done_atom, std::vector<task_reply>)
//   host       -> supervisor : (cancel_atom)
//   supervisor -> itself     : (watchdog_atom), every period
//
// Tasks travel in batches: one task each while an agent's tasks take long,
// several (up to a budget of their measured durations) while they are short
// next to a message round trip, so that tiny tasks do not cost two thread
// wake-ups each. A batch is one-way: the lane answers with a `done_atom`
// message of its own, one reply per task of the batch,
// and the supervisor enforces every attempt's deadline itself (its watchdog,
// one timer per run instead of one per request: a per-request timeout costs
// two events on CAF's clock thread, ~4 us of an empty task's dispatch,
// measured), and monitors every lane: a lane that dies fails its attempts at
// once, which are then retried on a fresh lane.
//
// Every type here is serialisable by CAF's binary serializer (`inspect`), so
// a task and its reply can cross nodes unchanged. Bytes travel as
// `shared_bytes`: shared within a process, copied only when serialised.
// Members marked "local only" are not serialised: they carry what the
// sender already decoded when the message stays in its process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "troupe/base/internal/shared_bytes.hpp"

namespace caf {
class actor_system_config;
} // namespace caf

namespace troupe::detail {

/// Asks an agent lane to run one attempt of a task.
using run_atom = caf::atom_constant<caf::atom("run")>;
/// A lane's answer to a run_atom message.
using done_atom = caf::atom_constant<caf::atom("done")>;
/// Asks the supervisor to stop dispatching.
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
/// Tells the supervisor to check its in-flight attempts' deadlines.
using watchdog_atom = caf::atom_constant<caf::atom("watchdog")>;

/// One input item of a task: a source file of an analysis, or a host's item.
struct task_item {
  /// Index of the item in the run's items.
  std::uint32_t index = 0;
  /// Its name (a path relative to the analysed root).
  std::string name;
  /// XXH3-128 of its content (32 hex digits), empty when the sender does
  /// not know it.
  std::string digest;
  std::uint64_t bytes = 0;
  /// The content, when the executing node cannot read it itself; null for
  /// a lane in the process that owns the items.
  shared_bytes content;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_item& x) {
  return f(caf::meta::type_name("task_item"), x.index, x.name, x.digest, x.bytes, x.content);
}

/// An output of an agent a task depends on: what the agent produced for an
/// item (or for the task, `item` 0xffffffff), with its digest.
struct upstream_record {
  std::string agent;
  std::uint32_t item = 0;
  shared_bytes bytes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, upstream_record& x) {
  return f(caf::meta::type_name("upstream_record"), x.agent, x.item, x.bytes);
}

/// One attempt of one task.
struct task_request {
  /// The run it belongs to (unique within the supervising process).
  std::uint64_t run = 0;
  /// Index of the task in the run's graph, and the attempt (1, 2, ...).
  std::uint64_t task = 0;
  std::uint32_t attempt = 0;
  /// The worker slot it occupies.
  std::uint32_t slot = 0;
  /// The agents to run, by registry id.
  std::vector<std::string> agents;
  /// The items to run them on.
  std::vector<task_item> items;
  /// Outputs of the agents they depend on that the task reads.
  std::vector<upstream_record> upstream;
  /// The settings that change the agents' outputs (part of cache keys).
  std::string settings;
  /// The task's own input bytes.
  shared_bytes payload;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_request& x) {
  return f(caf::meta::type_name("task_request"), x.run, x.task, x.attempt, x.slot, x.agents,
           x.items, x.upstream, x.settings, x.payload);
}

/// An agent that failed on one item.
struct item_error {
  std::uint32_t item = 0;
  caf::error error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, item_error& x) {
  return f(caf::meta::type_name("item_error"), x.item, x.error);
}

/// What one agent did in an attempt: its own time, items, cache hits and
/// the items it failed on.
struct agent_report {
  std::string agent;
  double seconds = 0;
  std::uint32_t items = 0;
  std::uint32_t cache_hits = 0;
  std::vector<item_error> failures;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_report& x) {
  return f(caf::meta::type_name("agent_report"), x.agent, x.seconds, x.items, x.cache_hits,
           x.failures);
}

/// One output record: an agent's result for an item (0xffffffff: for the
/// task as a whole).
struct output_record {
  std::string agent;
  std::uint32_t item = 0;
  shared_bytes bytes;
  /// Whether it came from the cache.
  bool from_cache = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, output_record& x) {
  return f(caf::meta::type_name("output_record"), x.agent, x.item, x.bytes, x.from_cache);
}

/// What an analysis learned about one source file beyond its records.
struct decoded_file; // local only (runtime/src/internal/file_executor.hpp)

struct file_report {
  std::uint32_t item = 0;
  std::uint64_t bytes = 0;
  /// XXH3-128 of the content, 32 hex digits (empty when it was not read).
  std::string digest;
  /// troupe::file_state.
  std::uint8_t state = 0;
  std::string encoding;
  std::string detail;
  /// On a miss for a file seen before: the key parts that changed.
  std::vector<std::string> why_missed;
  /// A cached record passed its checksum but did not decode.
  bool corrupt_record = false;
  /// Storing the file's records failed.
  caf::error cache_error;
  /// Seconds of the whole file stage for this file (lookup, parse, agents).
  double stage_seconds = 0;
  /// Seconds of reading and of the shared parse.
  double parse_seconds = 0;
  /// Local only: the file's records decoded on the lane, for the corpus.
  std::shared_ptr<decoded_file> decoded;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, file_report& x) {
  return f(caf::meta::type_name("file_report"), x.item, x.bytes, x.digest, x.state, x.encoding,
           x.detail, x.why_missed, x.corrupt_record, x.cache_error, x.stage_seconds,
           x.parse_seconds);
}

/// A lane's answer to one attempt.
struct task_reply {
  std::uint64_t task = 0;
  std::uint32_t attempt = 0;
  std::uint32_t slot = 0;
  /// Start and end of the attempt on the lane's steady clock (ns).
  std::int64_t started_ns = 0;
  std::int64_t finished_ns = 0;
  /// Per agent of the request, same order.
  std::vector<agent_report> agents;
  std::vector<output_record> outputs;
  /// Per item of an analysis's file stage.
  std::vector<file_report> files;
  /// Set when the attempt failed as a whole (cancelled, timed out, an
  /// unknown agent); per-item failures are in `agents`.
  caf::error error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_reply& x) {
  return f(caf::meta::type_name("task_reply"), x.task, x.attempt, x.slot, x.started_ns,
           x.finished_ns, x.agents, x.outputs, x.files, x.error);
}

/// A batch of attempts, and the replies to one.
using task_batch = std::vector<task_request>;
using reply_batch = std::vector<task_reply>;

/// A lane of an agent executor: runs a batch of attempts in order, answers
/// with done_atom and their replies.
using agent_actor = caf::typed_actor<caf::reacts_to<run_atom, task_batch>>;

/// The supervisor of one run.
using supervisor_actor = caf::typed_actor<caf::reacts_to<done_atom, reply_batch>,
                                          caf::reacts_to<cancel_atom>,
                                          caf::reacts_to<watchdog_atom>>;

/// Registers every message type above with an actor system's config.
void add_runtime_message_types(caf::actor_system_config& cfg);

} // namespace troupe::detail
