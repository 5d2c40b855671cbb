// File: the validated settings of a run, as loaded from a profile.
//
// Every field has the default of the `balanced` profile; the loader in
// profile_loader.hpp fills them from YAML (with `extends:`), and the CLI
// applies its overrides on top.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace troupe::config {

/// Cache tiers (DESIGN.md "Cache").
struct cache_settings {
  /// Byte bound of the in-process L1 tier.
  std::uint64_t l1_size = 256ull << 20;
  /// Byte bound of the on-disk L2 tier.
  std::uint64_t l2_size = 2ull << 30;
  /// Whether the distributed L3 tier is used when nodes are present.
  bool l3_enabled = false;
  /// Time to live of an L1 entry.
  std::chrono::milliseconds ttl = std::chrono::hours(1);
};

/// How work is executed in parallel.
enum class worker_type { thread, process };

/// The worker pool.
struct parallel_settings {
  /// Number of worker actors; 0 means one per hardware thread.
  std::uint32_t workers = 0;
  /// Tasks in flight per worker (backpressure bound).
  std::uint32_t queue_size = 2;
  worker_type type = worker_type::thread;
  /// Pin worker threads to cores.
  bool cpu_affinity = false;
  /// Soft memory budget of the whole run in bytes; 0 means unbounded.
  std::uint64_t memory_limit = 0;
};

/// Agent execution policy.
struct agents_settings {
  bool parallel_execution = true;
  /// Agents running at once; 0 means as many as there are workers.
  std::uint32_t max_concurrent = 0;
  /// Extra attempts after a failure.
  std::uint32_t max_retries = 3;
  /// Time one task may take before it is failed.
  std::chrono::milliseconds task_timeout = std::chrono::seconds(60);
  /// Time the parse of one file may take; a file that needs more is
  /// skipped (state over_budget), never retried. Less than task_timeout.
  std::chrono::milliseconds file_timeout = std::chrono::seconds(10);
  /// Memory the parse of one file may hold (tree-sitter's allocations);
  /// a file that needs more is skipped like one over file_timeout. With
  /// parallel.memory_limit, at most the parses' share of it.
  std::uint64_t file_memory = 256ull << 20;
};

/// The adaptive auto-tuner.
struct tuner_settings {
  bool enabled = false;
  std::chrono::milliseconds interval = std::chrono::seconds(5);
  std::chrono::milliseconds cooldown = std::chrono::seconds(30);
};

/// HTTP client pool used by network agents.
struct network_settings {
  std::uint32_t pool_size = 8;
  std::uint32_t max_in_flight = 16;
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

/// What `troupe run` analyses and produces besides the analysis itself.
struct analysis_settings {
  /// Glob patterns of paths (relative to the analysed root) left out of the
  /// walk, in .gitignore syntax: `build/`, `*_pb2.py`, `docs/**/conf.py`.
  std::vector<std::string> exclude;
  /// Leave out the usual tool folders (.git, .venv, venv, .tox, .nox,
  /// node_modules, __pycache__, build, dist, site-packages, ...).
  bool default_excludes = true;
  /// Inside a git work tree, leave out what its .gitignore files ignore.
  bool gitignore = true;
  /// What the code generation agents write below OUT/generated: any of
  /// `tests` and `docs`. Unset: nothing for a project given on the command
  /// line, both for the default corpus.
  std::optional<std::vector<std::string>> generate;
  /// Read the imports of an `__init__.py` without `__all__` as re-exports
  /// (never reported unused); off: reported as flake8's F401 does.
  bool init_reexports = false;
};

/// Other nodes of a run (DESIGN.md "Nodes").
struct nodes_settings {
  /// Nodes (HOST:PORT) whose workers take part in every run of the
  /// profile; `troupe run --join` adds more.
  std::vector<std::string> join;
  /// Heartbeat period on every connection between troupe processes.
  std::chrono::milliseconds heartbeat_interval = std::chrono::milliseconds(250);
  /// How long a silent peer stays connected before it is lost (at least
  /// four heartbeat periods).
  std::chrono::milliseconds connection_timeout = std::chrono::milliseconds(1250);
  /// Whether the joined nodes lend the run their worker slots; false keeps
  /// every task in the run's own process and uses the nodes for their L3
  /// shards only (with cache.l3_enabled).
  bool lend_workers = true;
};
/// All settings of a run.
struct settings {
  /// Name of the profile these settings came from ("balanced", a file path, ...).
  std::string profile = "balanced";
  /// One-line human description taken from the profile's `description:` key.
  std::string description;
  cache_settings cache;
  parallel_settings parallel;
  agents_settings agents;
  tuner_settings tuner;
  network_settings network;
  analysis_settings analysis;
  nodes_settings nodes;
};

} // namespace troupe::config
