#include "troupe/runtime/runtime.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "internal/pool_actors.hpp"
#include "troupe/cache/internal/messages.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "internal/run_setup.hpp"
#include "internal/run_state.hpp"
#include "troupe/base/internal/caf_error.hpp"
#include "troupe/runtime/caf_interop.hpp"
#include "troupe/runtime/internal/messages.hpp"
#include "troupe/runtime/internal/system_setup.hpp"

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
  runtime_config(const runtime_options& opts, std::uint32_t workers) {
    set("scheduler.policy", caf::atom("sharing"));
    // Single-lane agents (corpus agents, the report) run here, at most
    // `workers` at once: one more thread keeps the supervisor responsive.
    auto threads = opts.scheduler_threads ? opts.scheduler_threads : workers + 1;
    set("scheduler.max-threads", static_cast<std::size_t>(threads));
    add_error_category(detail::error_category,
                       [](std::uint8_t code, caf::atom_value, const caf::message& ctx) {
                         return detail::from_caf(caf::error{code, detail::error_category, ctx})
                           .to_string();
                       });
    detail::add_runtime_message_types(*this);
    cache::detail::add_cache_message_types(*this);
    const auto& net = opts.network;
    if (net.enabled) {
      load<caf::io::middleman>();
      // Heartbeats are off by default in CAF 0.17: a paused or cut-off peer
      // would never be noticed.
      set("middleman.heartbeat-interval", caf::timespan{net.heartbeat_interval});
      set("middleman.connection-timeout", caf::timespan{net.connection_timeout});
      if (net.tls()) {
        load<caf::openssl::manager>();
        openssl_cafile = net.tls_ca;
        openssl_certificate = net.tls_certificate;
        openssl_key = net.tls_key;
      }
    }
    for (const auto& s : opts.setup)
      if (s)
        s->configure(*this);
  }
};

std::string history_path(const std::string& cache_dir) {
  return cache_dir + "/key-history";
}

/// The cache tiers; L2 is dropped with one warning when its folder cannot be
/// used, and runs go on with L1 only.
std::shared_ptr<cache::tiered_cache> open_cache(const runtime_options& opts,
                                                const std::shared_ptr<spdlog::logger>& log) {
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
  l2o.log = log;
  auto l2 = std::make_shared<cache::l2_store>(l2o);
  if (auto err = l2->open()) {
    log->warn("disk cache unavailable, running with the memory tier only: {}", err.message());
    l2 = nullptr;
  }
  auto tiers = std::make_shared<cache::tiered_cache>(std::make_shared<cache::l1_store>(l1), l2);
  tiers->set_logger(log);
  if (l2) {
    auto err = tiers->history().load(history_path(opts.cache_dir));
    if (err && err.code() == errc::corrupt_record)
      log->warn("ignoring a damaged key history: {}", err.message());
  }
  return tiers;
}

/// Leaves CAF's BASP broker with nothing in its mailbox and no heartbeat
/// tick to come, before the actor system stops it. In CAF 0.17.6 the
/// middleman stops the broker without draining its mailbox
/// (abstract_broker::cleanup calls local_actor::cleanup, not
/// scheduled_actor's), and the broker schedules each heartbeat tick through
/// the actor clock as a message to itself: a tick waiting in the mailbox, or
/// shipped by the clock before the scheduler stops it, holds the broker for
/// ever (LeakSanitizer: the broker, its tables and the tick, 2,752 bytes, at
/// every second or third stop of a node). So does any message whose content
/// holds an actor the broker holds: a lane served to a remote run ends with
/// a down message to the broker that holds the lane, and a detached lane
/// never released makes the system's shutdown wait for ever.
/// The order: no tick in the clock (cancel_all, then a message through the
/// clock as a fence: the clock handles its queue in order), one round trip
/// through the broker (it handles everything before the request, ticks
/// included, and schedules one next tick), and that tick cancelled too.
void quiet_broker(caf::actor_system& sys, const std::shared_ptr<spdlog::logger>& log) {
  caf::scoped_actor self{sys};
  auto clear_clock = [&] {
    sys.clock().cancel_all();
    caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), std::chrono::milliseconds(0),
                           caf::ok_atom::value);
    self->receive([](caf::ok_atom) {},
                  caf::after(std::chrono::seconds(1)) >>
                    [&] { log->debug("the actor clock did not answer within 1 s"); });
  };
  clear_clock();
  self
    ->request(sys.middleman().actor_handle(), std::chrono::seconds(2), caf::get_atom::value,
              sys.node())
    .receive([](const caf::node_id&, const std::string&, std::uint16_t) {},
             [&](caf::error& err) {
               log->debug("round trip through the BASP broker: {}", sys.render(err));
             });
  clear_clock();
}

} // namespace

struct runtime::impl {
  runtime_options options;
  std::uint32_t workers;
  std::shared_ptr<spdlog::sinks::sink> sink;
  runtime_config config;
  caf::actor_system system;
  std::shared_ptr<cache::tiered_cache> cache;
  /// The cache tiers as actors (null without a cache, or without L2).
  cache::detail::tier_actor l1_actor;
  cache::detail::tier_actor l2_actor;
  std::mutex run_mutex;
  std::mutex current_mutex;
  detail::run_state_ptr current;
  detail::supervisor_actor current_supervisor;
  /// A cancel that came while no run was in progress: the next run starts
  /// cancelled.
  bool cancel_pending = false;
  /// Ids of this runtime's runs: random high bits, so that the runs of
  /// several processes a node serves do not share ids.
  std::atomic<std::uint64_t> next_run{(std::random_device{}() | 1ull) << 32};
  /// A persist running in the background (persist_in_background).
  std::mutex persister_mutex;
  std::thread persister;

  explicit impl(runtime_options opts)
    : options(std::move(opts)),
      workers(options.workers ? options.workers : hardware_threads()),
      sink(options.log_sink ? options.log_sink
                            : std::make_shared<spdlog::sinks::stderr_color_sink_mt>()),
      config(options, workers),
      system(config) {
  }
};

runtime::runtime(runtime_options options) : impl_(std::make_unique<impl>(std::move(options))) {
  if (!impl_->options.cache_dir.empty()) {
    auto& cache = impl_->cache;
    cache = open_cache(impl_->options, logger("troupe.cache"));
    impl_->l1_actor = cache::detail::spawn_l1_actor(impl_->system, cache->l1());
    if (cache->l2()) {
      // The L2 actor owns the folder's writes: bundles computed on the
      // lanes are sent to it and written in arrival order on its thread;
      // the group commit is a message after them (persist()).
      std::weak_ptr<cache::tiered_cache> weak = cache;
      impl_->l2_actor = cache::detail::spawn_l2_actor(
        impl_->system, cache->l2(), [weak](std::size_t bytes, const troupe::error& err) {
          if (auto tiers = weak.lock())
            tiers->note_l2_write(bytes, err);
        });
      cache->set_l2_writer([actor = impl_->l2_actor](const cache::cache_key& key,
                                                     cache::value_ptr payload) {
        caf::anon_send(actor, cache::detail::put_atom::value, key,
                       detail::shared_bytes{std::move(payload)});
      });
    }
  }
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
  // The tier actors live as long as the runtime; the system's destructor
  // waits for every actor to end.
  for (auto* tier : {&impl_->l1_actor, &impl_->l2_actor})
    if (*tier)
      caf::anon_send_exit(*tier, caf::exit_reason::user_shutdown);
  // Last: it stops every timer of the system.
  if (impl_->options.network.enabled)
    quiet_broker(impl_->system, logger("troupe.runtime"));
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
  // A commit after every put sent so far: the L2 actor handles its mailbox
  // in order. Generous, finite: a group commit of a cold run's ~1,700
  // bundles took 0.02-0.2 s here; a hung disk must not hang the process.
  caf::scoped_actor self{impl_->system};
  self->request(impl_->l2_actor, std::chrono::minutes(2), cache::detail::commit_atom::value)
    .receive([](std::uint64_t) {},
             [&](caf::error& err) {
               logger("troupe.cache")
                 ->warn("disk cache write failed: {}", detail::from_caf(err).message());
             });
  if (auto err = impl_->cache->history().save(history_path(impl_->options.cache_dir)))
    logger("troupe.cache")->warn("cannot save the key history: {}", err.message());
}

const std::shared_ptr<cache::tiered_cache>& runtime::cache() const noexcept {
  return impl_->cache;
}

graph_result runtime::run(const agent_registry& agents, const task_graph& graph,
                          const graph_run_options& options) {
  return detail::run_graph(*this, agents, graph, {}, options);
}

graph_result runtime::run(const agent_registry& agents, const task_graph& graph,
                          const std::vector<work_item>& items,
                          const graph_run_options& options) {
  std::vector<detail::task_item> prepared(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& p = prepared[i];
    p.index = static_cast<std::uint32_t>(i);
    p.name = items[i].name;
    p.bytes = items[i].content.size();
    p.content.data = std::make_shared<const std::string>(items[i].content);
  }
  return detail::run_graph(*this, agents, graph, std::move(prepared), options);
}

graph_result detail::run_graph(runtime& rt, const agent_registry& agents,
                               const task_graph& graph, std::vector<task_item> items,
                               const graph_run_options& options) {
  auto& impl = *rt.impl_;
  std::lock_guard<std::mutex> guard{impl.run_mutex};
  auto state = std::make_shared<detail::run_state>();
  state->id = impl.next_run++;
  state->registry = &agents;
  state->graph = &graph;
  state->options = options;
  state->items = std::move(items);
  state->workers = impl.workers;
  state->queue_size = std::max(1u, impl.options.queue_size);
  state->env->task_timeout = options.task_timeout;
  state->env->locals = options.locals;
  state->env->cache = impl.cache.get();
  state->env->cpu_affinity = impl.options.cpu_affinity;
  for (const auto& t : graph.tasks())
    for (auto i : t.items)
      if (i >= state->items.size())
        throw std::invalid_argument("task '" + t.name + "' names item #" + std::to_string(i)
                                    + " of " + std::to_string(state->items.size()));
  detail::resolve_executors(*state);
  if (!options.nodes.empty())
    state->log = rt.logger("troupe.run");
  auto done = state->done.get_future();
  {
    std::lock_guard<std::mutex> cur{impl.current_mutex};
    impl.current = state;
    if (impl.cancel_pending) {
      impl.cancel_pending = false;
      state->env->cancelled = true;
    }
  }
  // The supervisor exists before other nodes open lanes for it (they answer
  // it), and starts once they did.
  auto supervisor = detail::spawn_supervisor(impl.system, state);
  detail::open_remote_lanes(*state, supervisor, rt.logger("troupe.run"));
  {
    std::lock_guard<std::mutex> cur{impl.current_mutex};
    impl.current_supervisor = supervisor;
  }
  detail::start_supervisor(supervisor);
  if (state->env->cancelled)
    caf::anon_send(supervisor, detail::cancel_atom::value);
  done.wait();
  {
    std::lock_guard<std::mutex> cur{impl.current_mutex};
    impl.current.reset();
    impl.current_supervisor = nullptr;
  }
  for (auto& r : state->remotes)
    if (!r.lanes.empty())
      r.node->close_lanes(state->id);
  return std::move(state->result);
}

void runtime::cancel() noexcept {
  std::lock_guard<std::mutex> cur{impl_->current_mutex};
  if (!impl_->current) {
    impl_->cancel_pending = true;
    return;
  }
  impl_->current->env->cancelled = true;
  caf::anon_send(impl_->current_supervisor, detail::cancel_atom::value);
}

std::uint32_t runtime::workers() const noexcept {
  return impl_->workers;
}

caf::actor_system& runtime_access::system(runtime& rt) noexcept {
  return rt.impl_->system;
}

std::shared_ptr<spdlog::logger> runtime::logger(const std::string& name) const {
  // Not registered with spdlog's global registry: a host's loggers and its
  // default logger stay exactly as the host set them.
  auto log = std::make_shared<spdlog::logger>(name, impl_->sink);
  log->set_level(spdlog::level::from_str(impl_->options.log_level));
  return log;
}

} // namespace troupe
