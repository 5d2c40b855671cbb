// `troupe node`: the node daemon, and `troupe node --health`.
#include "troupe/nodes/node_command.hpp"

#include <csignal>
#include <cstdio>
#include <future>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <set>

#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "troupe/analysis/builtin_agents.hpp"
#include "troupe/base/exit_code.hpp"
#include "troupe/base/internal/caf_error.hpp"
#include "troupe/cache/cache_dir.hpp"
#include "troupe/config/settings_diff.hpp"
#include "troupe/nodes/internal/endpoint.hpp"
#include "troupe/nodes/internal/l3_shard.hpp"
#include "troupe/nodes/internal/node_actor.hpp"
#include "troupe/nodes/internal/node_client.hpp"
#include "troupe/runtime/caf_interop.hpp"
#include "troupe/runtime/internal/served_run.hpp"
#include "troupe/runtime/runtime.hpp"
#include "troupe/runtime/signal_watch.hpp"

namespace troupe::nodes {

namespace {

using namespace detail;

void fail(const std::string& command, const std::string& message) {
  std::cerr << command << ": error: " << message << '\n';
}

/// 2 for what this side can fix (a refusal, a setting), 69 for a peer that
/// could not be reached.
int exit_for(const troupe::error& err) {
  switch (err.code()) {
    case errc::peer_refused:
    case errc::invalid_config: return exit_usage;
    default: return exit_unavailable;
  }
}

/// Heartbeats are the only way a paused or cut-off peer is ever noticed:
/// check that the settings reached CAF (a misspelt key is ignored).
troupe::error check_heartbeats(caf::actor_system& sys, const network_options& net) {
  auto interval = caf::get_or(sys.config(), "middleman.heartbeat-interval", caf::timespan{0});
  auto timeout = caf::get_or(sys.config(), "middleman.connection-timeout", caf::timespan{0});
  if (interval != caf::timespan{net.heartbeat_interval}
      || timeout != caf::timespan{net.connection_timeout})
    return {errc::runtime_failure, "the middleman's heartbeat settings did not take effect"};
  return {};
}

std::string caf_text(caf::actor_system& sys, const caf::error& err) {
  return sys.render(err);
}

nlohmann::json health_json(const node_health& h) {
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& p : h.peers)
    peers.push_back({{"name", p.name},
                     {"node", p.node},
                     {"role", to_string(static_cast<peer_role>(p.role))},
                     {"address", p.address}});
  return {{"name", h.name},
          {"address", h.address},
          {"node", h.node},
          {"cluster", h.cluster},
          {"uptime_seconds", h.uptime_seconds},
          {"workers", h.workers},
          {"runs_active", h.runs_active},
          {"tasks_done", h.tasks_done},
          {"peers", peers},
          {"messages", {{"admitted", h.admitted}, {"rejected", h.rejected}}},
          {"joins", {{"accepted", h.joins_accepted}, {"refused", h.joins_refused}}},
          {"l3",
           {{"hits", h.l3.hits},
            {"misses", h.l3.misses},
            {"entries", h.l3.entries},
            {"bytes", h.l3.bytes},
            {"evictions", h.l3.evictions}}}};
}

/// The profile keys a node itself uses: its worker slots and memory, its
/// L1 and L2, and the bound of its L3 shard (cache.l1_size). The others
/// belong to the runs that join it (retries, timeouts, the tuner, the
/// network pool, the worker type), and a profile that sets them is told so.
std::vector<std::string> unused_by_node(const config::settings& s) {
  static const std::set<std::string> used{"parallel.workers", "parallel.memory_limit",
                                          "cache.l1_size", "cache.l2_size", "cache.ttl",
                                          "nodes.join", "nodes.heartbeat_interval",
                                          "nodes.connection_timeout"};
  std::vector<std::string> out;
  for (const auto& d : config::diff(config::settings{}, s))
    if (used.count(d.key_path) == 0)
      out.push_back(d.key_path);
  return out;
}

/// The checks every node command makes before it starts anything.
struct prepared {
  network_options net;
  join_credentials credentials;
};

std::optional<prepared> prepare(const std::string& command, const node_command_options& o) {
  prepared p;
  p.net.tls = o.tls;
  p.credentials.cluster = o.cluster;
  if (o.cluster.empty()) {
    fail(command, "--cluster must not be empty");
    return std::nullopt;
  }
  auto token = resolve_token(o.token);
  if (!token) {
    fail(command, token.error().message());
    return std::nullopt;
  }
  p.credentials.token = *token;
  runtime_options probe;
  if (auto err = enable_network(probe, p.net)) {
    fail(command, err.message());
    return std::nullopt;
  }
  return p;
}

} // namespace

int node_command(const config::profile_loader& loader, const node_command_options& o) {
  const std::string command = "troupe node";
  auto listen = parse_endpoint(o.listen, "--listen");
  if (!listen) {
    fail(command, listen.error().message());
    return exit_usage;
  }
  auto loopback = is_loopback_host(listen->host);
  if (!loopback) {
    fail(command, "--listen " + o.listen + ": " + loopback.error().message());
    return exit_usage;
  }
  if (!*loopback && !o.tls.enabled()) {
    fail(command, "--listen " + o.listen
                    + " is not a loopback address: a node reachable from other hosts requires "
                      "mutual TLS; missing: --tls-ca, --tls-cert, --tls-key");
    return exit_usage;
  }
  std::vector<endpoint> joins;
  for (const auto& j : o.join) {
    auto ep = parse_endpoint(j, "--join");
    if (!ep) {
      fail(command, ep.error().message());
      return exit_usage;
    }
    joins.push_back(*ep);
  }
  auto loaded = config::load_profile_or_report(loader, o.profile);
  if (!loaded)
    return exit_usage;
  auto& settings = *loaded;
  if (o.workers)
    settings.parallel.workers = *o.workers;
  for (const auto& j : settings.nodes.join) {
    auto ep = parse_endpoint(j, "nodes.join");
    if (!ep) {
      fail(command, ep.error().message());
      return exit_usage;
    }
    joins.push_back(*ep);
  }
  auto p = prepare(command, o);
  if (!p)
    return exit_usage;
  p->net.heartbeat_interval = settings.nodes.heartbeat_interval;
  p->net.connection_timeout = settings.nodes.connection_timeout;
  // Signals are blocked before the runtime starts any thread: only the
  // watcher sees them, and the node stops cleanly.
  std::promise<int> stop;
  std::once_flag stop_once;
  signal_watch watch{[&](int sig) { std::call_once(stop_once, [&] { stop.set_value(sig); }); }};
  runtime_options ro;
  ro.workers = settings.parallel.workers;
  ro.queue_size = settings.parallel.queue_size;
  ro.memory_budget = settings.parallel.memory_limit;
  if (!o.no_cache)
    ro.cache_dir = o.cache_dir.empty() ? cache::default_cache_dir() : o.cache_dir;
  ro.l1_bytes = settings.cache.l1_size;
  ro.l2_bytes = settings.cache.l2_size;
  ro.l1_ttl = settings.cache.ttl;
  if (auto err = enable_network(ro, p->net)) {
    fail(command, err.message());
    return exit_usage;
  }
  runtime rt{ro};
  auto& sys = runtime_access::system(rt);
  auto log = rt.logger("troupe.node");
  if (auto unused = unused_by_node(settings); !unused.empty()) {
    std::string keys;
    for (const auto& k : unused)
      keys += (keys.empty() ? "" : ", ") + k;
    log->warn("profile '{}': {} set for the runs that join a node; not used by the node itself",
              o.profile, keys);
  }
  if (auto err = check_heartbeats(sys, p->net)) {
    fail(command, err.message());
    return exit_usage;
  }
  node_setup setup;
  setup.credentials = p->credentials;
  setup.workers = rt.workers();
  setup.agents = std::make_shared<const agent_registry>(builtin_agents());
  setup.cache = rt.cache();
  if (setup.cache)
    setup.runs_ended = [&rt] { rt.persist_in_background(); };
  setup.peers = std::make_shared<peer_registry>(sys.node());
  cache::l1_options l3o;
  l3o.max_bytes = settings.cache.l1_size;
  l3o.ttl = settings.cache.ttl;
  setup.l3_store = std::make_shared<cache::l1_store>(l3o);
  setup.l3 = spawn_l3_shard(sys, setup.l3_store, setup.peers);
  if (setup.cache) {
    setup.l3_group = std::make_shared<cache::detail::l3_group>(sys, std::chrono::seconds(1));
    setup.cache->set_l3(setup.l3_group);
  }
  setup.log = log;
  setup.join_timeout = std::chrono::milliseconds{o.timeout_ms};
  setup.served_lanes = std::make_shared<troupe::detail::lane_census>();
  auto served_lanes = setup.served_lanes;
  auto identity = setup.identity;
  auto peers = setup.peers;
  auto l3 = setup.l3;
  auto node = spawn_node_actor(sys, std::move(setup));
  auto stop_actors = [&] {
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(l3, caf::exit_reason::user_shutdown);
  };
  // Always the address given: CAF binds every interface without one.
  auto published = o.tls.enabled()
                     ? caf::openssl::publish(node, listen->port, listen->host.c_str())
                     : sys.middleman().publish(node, listen->port, listen->host.c_str());
  if (!published) {
    fail(command, "cannot listen on " + listen->to_string() + ": "
                    + caf_text(sys, published.error()));
    stop_actors();
    return exit_usage;
  }
  endpoint bound{listen->host, *published};
  identity->set(o.name.empty() ? bound.to_string() : o.name, bound.to_string());
  std::printf("troupe node: listening on %s\n", bound.to_string().c_str());
  std::fflush(stdout);
  log->info("node {} listening on {} (cluster '{}', {} workers, {}, heartbeat {} ms, timeout {} ms)",
            identity->name(), bound.to_string(), o.cluster, rt.workers(),
            o.tls.enabled() ? "mutual TLS" : "plain BASP, loopback only",
            p->net.heartbeat_interval.count(), p->net.connection_timeout.count());
  for (const auto& ep : joins) {
    join_options jo;
    jo.credentials = p->credentials;
    jo.name = identity->name();
    jo.role = peer_role::node;
    jo.address = bound.to_string();
    jo.anchor = caf::actor_cast<caf::actor>(node);
    jo.registry = peers;
    jo.timeout = std::chrono::milliseconds{o.timeout_ms};
    auto joined = join_node(sys, ep.host, ep.port, jo);
    if (!joined) {
      fail(command, "cannot join " + ep.to_string() + ": " + joined.error().message());
      stop_actors();
      return exit_for(joined.error());
    }
    log->info("joined {} ({}), {} other members", joined->info.name, ep.to_string(),
              joined->info.members.size());
    caf::scoped_actor self{sys};
    self->send(node, joined_atom::value,
               joined_member{ep.to_string(), joined->node, joined->info, {}});
  }
  auto sig = stop.get_future().get();
  log->info("stopping on {}", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  stop_actors();
  // Served lanes end after their current item; their down messages then
  // reach the BASP broker, which the runtime's shutdown empties (see
  // quiet_broker in runtime.cpp; troupe::detail::lane_census says why).
  if (!served_lanes->wait_empty(std::chrono::seconds(5)))
    log->warn("served lanes still running after 5 s");
  rt.persist();
  // A safety net: should CAF's shutdown still wait for an actor that is
  // never destroyed, the cache is persisted by now; the shutdown gets 5 s,
  // then the process ends.
  std::thread([log] {
    std::this_thread::sleep_for(std::chrono::seconds(5));
    log->warn("the actor system did not stop within 5 s; ending the process");
    log->flush();
    std::_Exit(exit_ok);
  }).detach();
  return exit_ok;
}

namespace {

/// Joins the node at `address` as an observer and asks the health of it
/// and, with `members`, of every member it names; prints each error.
std::optional<std::vector<node_health>> observe(const std::string& command,
                                                const std::string& address,
                                                const node_command_options& o, bool members,
                                                int& code) {
  code = exit_usage;
  auto ep = parse_endpoint(address, command == "troupe cache stats" ? "--join" : "--health");
  if (!ep) {
    fail(command, ep.error().message());
    return std::nullopt;
  }
  auto p = prepare(command, o);
  if (!p)
    return std::nullopt;
  runtime_options ro;
  ro.workers = 1;
  if (auto err = enable_network(ro, p->net)) {
    fail(command, err.message());
    return std::nullopt;
  }
  runtime rt{ro};
  auto& sys = runtime_access::system(rt);
  join_options jo;
  jo.credentials = p->credentials;
  jo.name = "observer@" + std::to_string(::getpid());
  jo.role = peer_role::observer;
  jo.timeout = std::chrono::milliseconds{o.timeout_ms};
  std::vector<endpoint> targets{*ep};
  std::vector<node_health> out;
  std::set<std::string> seen;
  for (std::size_t t = 0; t < targets.size(); ++t) {
    auto joined = join_node(sys, targets[t].host, targets[t].port, jo);
    if (!joined) {
      fail(command, joined.error().message());
      code = exit_for(joined.error());
      return std::nullopt;
    }
    if (!seen.insert(joined->info.node).second)
      continue;
    auto health = request_health(sys, joined->node, jo.timeout);
    if (!health) {
      fail(command, health.error().message());
      code = exit_for(health.error());
      return std::nullopt;
    }
    out.push_back(std::move(*health));
    if (members)
      for (const auto& m : joined->info.members)
        if (seen.count(m.node) == 0)
          if (auto mep = parse_endpoint(m.address, "member address"))
            targets.push_back(*mep);
  }
  code = exit_ok;
  return out;
}

} // namespace

int node_health_command(const std::string& address, const node_command_options& o) {
  int code = exit_ok;
  auto health = observe("troupe node --health", address, o, false, code);
  if (health)
    std::cout << health_json(health->front()).dump(2) << '\n';
  return code;
}

int l3_stats_command(const std::string& address, const node_command_options& o) {
  int code = exit_ok;
  auto nodes = observe("troupe cache stats", address, o, true, code);
  if (!nodes)
    return code;
  cache::detail::tier_counters total{};
  std::cout << "L3 (" << nodes->size() << " shards, cluster '" << nodes->front().cluster
            << "'):\n";
  for (const auto& h : *nodes) {
    std::cout << "  " << h.name << ": " << h.l3.entries << " entries, " << h.l3.bytes
              << " bytes, " << h.l3.hits << " hits, " << h.l3.misses << " misses, "
              << h.l3.evictions << " evictions\n";
    total.entries += h.l3.entries;
    total.bytes += h.l3.bytes;
    total.hits += h.l3.hits;
    total.misses += h.l3.misses;
    total.evictions += h.l3.evictions;
  }
  std::cout << "  total: " << total.entries << " entries, " << total.bytes << " bytes, "
            << total.hits << " hits, " << total.misses << " misses, " << total.evictions
            << " evictions\n";
  return exit_ok;
}

} // namespace troupe::nodes
