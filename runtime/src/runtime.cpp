#include "troupe/runtime/runtime.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "internal/pool_actors.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "internal/run_state.hpp"
#include "troupe/runtime/error.hpp"
#include "troupe/runtime/messages.hpp"

namespace troupe {

namespace {

std::uint32_t hardware_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

/// CAF configured in code only: a host's argv and caf-application.ini are
/// never read. The sharing scheduler blocks idle threads instead of polling
/// (about 0.1% of a core idle against 1.5% for work stealing, measured).
class runtime_config : public caf::actor_system_config {
public:
  explicit runtime_config(const runtime_options& opts) {
    set("scheduler.policy", caf::atom("sharing"));
    auto threads = opts.scheduler_threads ? opts.scheduler_threads : 1u;
    set("scheduler.max-threads", static_cast<std::size_t>(threads));
    add_error_category(caf::atom("troupe"),
                       [](std::uint8_t code, caf::atom_value, const caf::message& ctx) {
                         return render_error(caf::error{code, caf::atom("troupe"), ctx});
                       });
  }
};

std::string history_path(const std::string& cache_dir) {
  return cache_dir + "/key-history";
}

/// The cache tiers; L2 is dropped with one warning when its folder cannot be
/// used, and runs go on with L1 only.
std::shared_ptr<cache::tiered_cache> open_cache(const runtime_options& opts,
                                                spdlog::logger& log) {
  cache::l1_options l1;
  l1.max_bytes = opts.l1_bytes;
  if (opts.memory_budget > 0)
    l1.max_bytes = std::min(l1.max_bytes, opts.memory_budget / 2);
  l1.ttl = opts.l1_ttl;
  l1.admission = opts.l1_admission;
  cache::l2_options l2o;
  l2o.directory = opts.cache_dir + "/records";
  l2o.max_bytes = opts.l2_bytes;
  // Group commit: the records of a batch are synced together, not one by
  // one (a cold corpus run writes ~1,700 bundles; measured 30 s with a sync
  // per record against 4 s uncached).
  l2o.commit_batch = 4096;
  // The record index saved by the last run is used for 10 minutes before
  // the folder is listed again: listing stats every record, ~4 us each here
  // (a full 2 GiB cache holds ~50,000 bundles of the default corpus).
  l2o.index_max_age = std::chrono::minutes(10);
  auto l2 = std::make_shared<cache::l2_store>(l2o);
  if (auto err = l2->open()) {
    log.warn("disk cache unavailable, running with the memory tier only: {}", err.message());
    l2 = nullptr;
  }
  auto tiers = std::make_shared<cache::tiered_cache>(std::make_shared<cache::l1_store>(l1), l2);
  if (l2) {
    auto err = tiers->history().load(history_path(opts.cache_dir));
    if (err && err.code() == errc::corrupt_record)
      log.warn("ignoring a damaged key history: {}", err.message());
  }
  return tiers;
}

} // namespace

struct runtime::impl {
  runtime_options options;
  std::uint32_t workers;
  std::shared_ptr<spdlog::sinks::sink> sink;
  runtime_config config;
  caf::actor_system system;
  std::shared_ptr<cache::tiered_cache> cache;
  std::mutex run_mutex;
  std::mutex current_mutex;
  detail::run_state_ptr current;
  caf::actor current_supervisor;
  /// A persist running in the background (persist_in_background).
  std::mutex persister_mutex;
  std::thread persister;

  explicit impl(runtime_options opts)
    : options(std::move(opts)),
      workers(options.workers ? options.workers : hardware_threads()),
      sink(options.log_sink ? options.log_sink
                            : std::make_shared<spdlog::sinks::stderr_color_sink_mt>()),
      config(options),
      system(config) {
  }
};

runtime::runtime(runtime_options options) : impl_(std::make_unique<impl>(std::move(options))) {
  if (!impl_->options.cache_dir.empty())
    impl_->cache = open_cache(impl_->options, *logger("troupe.cache"));
  logger("troupe.runtime")->debug("runtime started: {} workers, scheduler {} thread(s)",
                                  impl_->workers,
                                  caf::get_or(impl_->system.config(), "scheduler.max-threads",
                                              std::size_t{0}));
}

runtime::~runtime() {
  cancel();
  // Taking the run lock waits for a run in progress to drain; the actor
  // system's destructor then joins every thread it started.
  std::lock_guard<std::mutex> guard{impl_->run_mutex};
  persist();
}

void runtime::persist() {
  // Under the lock: no background persist starts meanwhile (two saves of
  // the key history at once would share its temporary file).
  std::lock_guard<std::mutex> guard{impl_->persister_mutex};
  if (impl_->persister.joinable())
    impl_->persister.join();
  persist_now();
}

void runtime::persist_in_background() {
  std::lock_guard<std::mutex> guard{impl_->persister_mutex};
  if (impl_->persister.joinable())
    impl_->persister.join();
  impl_->persister = std::thread{[this] { persist_now(); }};
}

void runtime::persist_now() {
  if (!impl_->cache || !impl_->cache->l2())
    return;
  if (auto err = impl_->cache->l2()->commit())
    logger("troupe.cache")->warn("disk cache write failed: {}", err.message());
  if (auto err = impl_->cache->history().save(history_path(impl_->options.cache_dir)))
    logger("troupe.cache")->warn("cannot save the key history: {}", err.message());
}

const std::shared_ptr<cache::tiered_cache>& runtime::cache() const noexcept {
  return impl_->cache;
}

graph_result runtime::run(const task_graph& graph, const graph_run_options& options) {
  std::lock_guard<std::mutex> guard{impl_->run_mutex};
  auto state = std::make_shared<detail::run_state>();
  state->graph = &graph;
  state->options = options;
  state->workers = impl_->workers;
  state->queue_size = std::max(1u, impl_->options.queue_size);
  auto done = state->done.get_future();
  {
    std::lock_guard<std::mutex> cur{impl_->current_mutex};
    impl_->current = state;
    impl_->current_supervisor = detail::spawn_supervisor(impl_->system, state);
  }
  done.wait();
  {
    std::lock_guard<std::mutex> cur{impl_->current_mutex};
    impl_->current.reset();
    impl_->current_supervisor = nullptr;
  }
  return std::move(state->result);
}

void runtime::cancel() noexcept {
  std::lock_guard<std::mutex> cur{impl_->current_mutex};
  if (!impl_->current)
    return;
  impl_->current->cancelled = true;
  caf::anon_send(impl_->current_supervisor, cancel_atom::value);
}

std::uint32_t runtime::workers() const noexcept {
  return impl_->workers;
}

caf::actor_system& runtime::system() noexcept {
  return impl_->system;
}

std::shared_ptr<spdlog::logger> runtime::logger(const std::string& name) const {
  // Not registered with spdlog's global registry: a host's loggers and its
  // default logger stay exactly as the host set them.
  auto log = std::make_shared<spdlog::logger>(name, impl_->sink);
  log->set_level(spdlog::level::from_str(impl_->options.log_level));
  return log;
}

} // namespace troupe
