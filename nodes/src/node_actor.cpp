// The node actor: the node side of the join handshake, membership, lanes of
// remote runs, health.
#include "troupe/nodes/internal/node_actor.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "troupe/base/internal/caf_error.hpp"
#include "troupe/cache/l2_store.hpp"
#include "troupe/nodes/internal/endpoint.hpp"
#include "troupe/nodes/internal/handshake.hpp"
#include "troupe/nodes/internal/l3_shard.hpp"
#include "troupe/nodes/internal/node_client.hpp"
#include "troupe/runtime/internal/agent_executor.hpp"
#include "troupe/runtime/internal/lanes.hpp"
#include "troupe/runtime/internal/served_run.hpp"

namespace troupe::nodes::detail {

namespace {

using clock_type = std::chrono::steady_clock;

/// A hello answered, waiting for its auth.
struct pending_join {
  caf::node_id node;
  hello request;
  std::string nonce;
  clock_type::time_point deadline;
};

/// A node of the cluster this node talks to.
struct member {
  member_info info;
  node_actor handle;
};

/// The lanes of one remote run.
struct served_entry {
  std::uint64_t run = 0;
  /// The process that opened it.
  caf::node_id owner;
  std::unique_ptr<troupe::detail::served_run> lanes;
};

struct node_state {
  node_setup setup;
  std::string self_id;
  clock_type::time_point started = clock_type::now();
  std::uint64_t next_session = 0;
  std::unordered_map<std::uint64_t, pending_join> pending;
  /// Members by node id.
  std::unordered_map<caf::node_id, member> members;
  /// Monitored anchors of authenticated peers, and their node ids.
  std::map<caf::actor_addr, caf::node_id> anchors;
  /// The L3 shards of other nodes in the L3 group, by actor: member names.
  std::map<caf::actor_addr, std::string> l3_shards;
  /// Runs by supervisor.
  std::map<caf::actor_addr, served_entry> runs;
  /// Addresses this node is joining in the background.
  std::set<std::string> joining;
  std::shared_ptr<std::atomic<std::uint64_t>> tasks_done =
    std::make_shared<std::atomic<std::uint64_t>>(0);
  std::uint64_t joins_refused = 0;
  std::uint64_t joins_accepted = 0;

  static inline const char* name = "troupe.node";
};

using self_ptr = node_actor::stateful_pointer<node_state>;

std::string describe(const hello& h, const caf::node_id& node) {
  return "'" + h.name + "' (" + to_string(static_cast<peer_role>(h.role)) + ", node "
         + caf::to_string(node) + ")";
}

caf::error refuse(self_ptr self, const std::string& who, const std::string& why) {
  ++self->state.joins_refused;
  self->state.setup.log->warn("join from {} refused: {}", who, why);
  return troupe::detail::make_caf_error(errc::peer_refused, why);
}

std::vector<member_info> member_list(self_ptr self) {
  std::vector<member_info> out;
  for (const auto& [node, m] : self->state.members)
    out.push_back(m.info);
  return out;
}

/// Stops and forgets the runs matching `pred`; returns the lanes stopped.
template <class Pred>
std::uint32_t close_runs(self_ptr self, Pred pred) {
  std::uint32_t stopped = 0;
  auto& runs = self->state.runs;
  for (auto i = runs.begin(); i != runs.end();) {
    if (pred(i->second)) {
      stopped += static_cast<std::uint32_t>(i->second.lanes->lanes().size());
      i->second.lanes->stop();
      i = runs.erase(i);
    } else {
      ++i;
    }
  }
  if (stopped > 0 && self->state.setup.runs_ended)
    self->state.setup.runs_ended();
  return stopped;
}

/// Joins the node at `address` on a thread of its own (a join blocks); the
/// outcome comes back as a joined_atom message.
void join_in_background(self_ptr self, const std::string& address) {
  auto& st = self->state;
  if (address.empty() || address == st.setup.identity->address() || st.joining.count(address) > 0)
    return;
  auto ep = parse_endpoint(address, "member address");
  if (!ep) {
    st.setup.log->warn("cannot join member {}: {}", address, ep.error().message());
    return;
  }
  st.joining.insert(address);
  join_options opts;
  opts.credentials = st.setup.credentials;
  opts.name = st.setup.identity->name();
  opts.role = peer_role::node;
  opts.address = st.setup.identity->address();
  opts.anchor = caf::actor_cast<caf::actor>(self);
  opts.registry = st.setup.peers;
  opts.timeout = st.setup.join_timeout;
  auto me = caf::actor_cast<node_actor>(self);
  self->system().spawn([opts, host = ep->host, port = ep->port, address,
                        me](caf::blocking_actor* worker) {
    joined_member out;
    out.address = address;
    auto joined = join_node(worker->system(), host, port, opts);
    if (joined) {
      out.handle = joined->node;
      out.info = std::move(joined->info);
    } else {
      out.failure = joined.error().message();
    }
    worker->send(me, joined_atom::value, std::move(out));
  });
}

/// Records a node as a member and monitors it.
void add_member(self_ptr self, const caf::node_id& node, member_info info, node_actor handle) {
  auto& st = self->state;
  if (!handle || node == self->node())
    return;
  self->monitor(handle);
  st.anchors[handle.address()] = node;
  auto [it, added] = st.members.emplace(node, member{info, handle});
  if (!added)
    it->second = member{std::move(info), std::move(handle)};
  else
    st.setup.log->info("member {} ({}) joined the cluster", it->second.info.name,
                       it->second.info.address);
}

void on_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  if (auto s = st.l3_shards.find(msg.source); s != st.l3_shards.end()) {
    if (st.setup.l3_group)
      st.setup.l3_group->leave(s->second);
    st.setup.log->info("L3 shard of {} left the group", s->second);
    st.l3_shards.erase(s);
    return;
  }
  auto a = st.anchors.find(msg.source);
  if (a != st.anchors.end()) {
    auto node = a->second;
    st.anchors.erase(a);
    bool still_anchored = std::any_of(st.anchors.begin(), st.anchors.end(),
                                      [&](const auto& kv) { return kv.second == node; });
    if (!still_anchored) {
      st.setup.peers->remove(node);
      auto m = st.members.find(node);
      if (m != st.members.end()) {
        // A member that stopped cleanly is news, not trouble.
        auto level = msg.reason == caf::exit_reason::user_shutdown ? spdlog::level::info
                                                                   : spdlog::level::warn;
        st.setup.log->log(level, "member {} ({}) left the cluster: {}", m->second.info.name,
                          m->second.info.address, caf::to_string(msg.reason));
        st.members.erase(m);
      } else {
        st.setup.log->info("peer {} disconnected", caf::to_string(node));
      }
      auto lanes = close_runs(self, [&](const served_entry& e) { return e.owner == node; });
      if (lanes > 0)
        st.setup.log->info("closed {} lanes of runs of {}", lanes, caf::to_string(node));
    }
  }
  auto r = st.runs.find(msg.source);
  if (r != st.runs.end()) {
    st.setup.log->info("run {} ended (its supervisor is down): closing its lanes",
                       r->second.run);
    r->second.lanes->stop();
    st.runs.erase(r);
    if (st.setup.runs_ended)
      st.setup.runs_ended();
  }
}

caf::result<challenge> on_hello(self_ptr self, hello& h) {
  auto& st = self->state;
  const auto& sender = self->current_sender();
  if (!sender) {
    st.setup.peers->count_rejected();
    return caf::delegated<challenge>{};
  }
  auto now = clock_type::now();
  for (auto i = st.pending.begin(); i != st.pending.end();)
    i = i->second.deadline < now ? st.pending.erase(i) : std::next(i);
  auto who = describe(h, sender->node());
  if (st.pending.size() >= st.setup.max_pending_joins)
    return refuse(self, who, "too many joins in progress, try again");
  if (h.version != protocol_version)
    return refuse(self, who,
                  "protocol version mismatch: this node speaks version "
                    + std::to_string(protocol_version) + ", the joiner version "
                    + std::to_string(h.version));
  if (h.cluster != st.setup.credentials.cluster)
    return refuse(self, who,
                  "cluster id mismatch: this node is in cluster '" + st.setup.credentials.cluster
                    + "', the joiner in '" + h.cluster + "'");
  auto role = static_cast<peer_role>(h.role);
  if (h.nonce.size() != nonce_size || !h.anchor
      || (role != peer_role::node && role != peer_role::run && role != peer_role::observer)
      || (role == peer_role::node && h.address.empty()))
    return refuse(self, who, "malformed hello");
  pending_join p;
  p.node = sender->node();
  p.nonce = make_nonce();
  p.deadline = now + st.setup.pending_join_ttl;
  challenge c;
  c.session = ++st.next_session;
  c.version = protocol_version;
  c.cluster = st.setup.credentials.cluster;
  c.name = st.setup.identity->name();
  c.nonce = p.nonce;
  handshake_transcript t{c.cluster, protocol_version, h.nonce, p.nonce,
                         caf::to_string(p.node), st.self_id};
  c.proof = make_proof(st.setup.credentials.token, proof_side::node, t);
  p.request = std::move(h);
  st.pending.emplace(c.session, std::move(p));
  return c;
}

caf::result<welcome> on_auth(self_ptr self, const auth& a) {
  auto& st = self->state;
  const auto& sender = self->current_sender();
  auto it = st.pending.find(a.session);
  if (!sender || it == st.pending.end() || it->second.node != sender->node()) {
    // Not the sender of that hello (or no hello at all): nothing to answer.
    st.setup.peers->count_rejected();
    return caf::delegated<welcome>{};
  }
  auto p = std::move(it->second);
  st.pending.erase(it);
  auto who = describe(p.request, p.node);
  if (!a.refusal.empty()) {
    ++st.joins_refused;
    st.setup.log->warn("join from {} refused by the joiner: {}", who, a.refusal);
    return troupe::detail::make_caf_error(errc::peer_refused,
                                          "the joiner refused this node: " + a.refusal);
  }
  handshake_transcript t{st.setup.credentials.cluster, protocol_version, p.request.nonce,
                         p.nonce, caf::to_string(p.node), st.self_id};
  if (!same_proof(a.proof, make_proof(st.setup.credentials.token, proof_side::joiner, t)))
    return refuse(self, who, "token mismatch: the joiner's proof does not match this node's token");
  auto role = static_cast<peer_role>(p.request.role);
  st.setup.peers->add(p.node, peer_info{p.request.name, caf::to_string(p.node), p.request.role,
                                        p.request.address});
  ++st.joins_accepted;
  welcome w;
  w.name = st.setup.identity->name();
  w.address = st.setup.identity->address();
  w.node = st.self_id;
  w.workers = st.setup.workers;
  for (const auto& def : st.setup.agents->agents())
    w.agents.push_back(def.descriptor.id);
  w.l3 = st.setup.l3;
  w.members = member_list(self);
  if (role == peer_role::node) {
    member_info info{p.request.name, p.request.address, caf::to_string(p.node), 0};
    // Tell every other member about the newcomer (each joins it unless it
    // knows it already), then add it.
    for (const auto& [node, m] : st.members)
      if (node != p.node)
        self->send(m.handle, member_atom::value, info);
    add_member(self, p.node, info, caf::actor_cast<node_actor>(p.request.anchor));
  } else {
    self->monitor(p.request.anchor);
    st.anchors[p.request.anchor.address()] = p.node;
    st.setup.log->info("{} joined", who);
  }
  return w;
}

caf::result<opened_lanes> on_open(self_ptr self, open_request& req) {
  auto& st = self->state;
  const auto& sender = self->current_sender();
  if (!req.supervisor)
    return troupe::detail::make_caf_error(errc::invalid_graph, "open: no supervisor");
  auto key = req.supervisor.address();
  if (st.runs.count(key) > 0)
    return troupe::detail::make_caf_error(errc::invalid_graph,
                                          "run " + std::to_string(req.run)
                                            + " already has lanes on node " + st.setup.identity->name());
  // The agents' executors, in request order; agents sharing one executor
  // share its lanes (the group-1 agents share one parse per file).
  std::vector<std::pair<std::shared_ptr<const troupe::detail::agent_executor>, lane_group>> groups;
  for (const auto& id : req.agents) {
    const auto* def = st.setup.agents->find(id);
    if (!def || !def->executor)
      return troupe::detail::make_caf_error(
        errc::invalid_graph, "agent '" + id + "' is not registered on node " + st.setup.identity->name());
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const auto& x) { return x.first == def->executor; });
    if (g == groups.end()) {
      groups.emplace_back(def->executor, lane_group{});
      g = std::prev(groups.end());
      g->second.per_slot = def->executor->per_slot();
    }
    g->second.agents.push_back(id);
  }
  auto timeout = std::chrono::milliseconds{req.task_timeout_ms ? req.task_timeout_ms : 60'000};
  served_entry entry;
  entry.run = req.run;
  entry.owner = sender ? sender->node() : self->node();
  entry.lanes = std::make_unique<troupe::detail::served_run>(
    self->system(), req.supervisor, timeout, st.setup.peers, st.tasks_done,
    troupe::detail::make_serving_locals(*st.setup.agents),
    req.use_cache ? st.setup.cache : nullptr, st.setup.served_lanes);
  opened_lanes out;
  out.run = req.run;
  out.node = st.setup.identity->name();
  for (auto& [executor, group] : groups) {
    auto n = group.per_slot ? st.setup.workers : 1u;
    for (std::uint32_t i = 0; i < n; ++i)
      group.lanes.push_back(entry.lanes->spawn_lane(executor));
    out.groups.push_back(std::move(group));
  }
  self->monitor(req.supervisor);
  // The run's nodes' shards make up the L3 group this node's cache reads.
  if (st.setup.l3_group)
    for (const auto& m : req.l3) {
      if (!m.shard)
        continue;
      st.setup.l3_group->join(m.name, m.shard);
      if (m.shard.node() != self->node() && st.l3_shards.count(m.shard.address()) == 0) {
        self->monitor(m.shard);
        st.l3_shards.emplace(m.shard.address(), m.name);
      }
    }
  st.runs.emplace(key, std::move(entry));
  st.setup.log->info("opened {} lane groups for run {} of {}", out.groups.size(), req.run,
                      caf::to_string(st.runs[key].owner));
  return out;
}

node_health make_health(self_ptr self) {
  auto& st = self->state;
  node_health h;
  h.name = st.setup.identity->name();
  h.address = st.setup.identity->address();
  h.node = st.self_id;
  h.cluster = st.setup.credentials.cluster;
  h.uptime_seconds = std::chrono::duration<double>(clock_type::now() - st.started).count();
  h.workers = st.setup.workers;
  h.runs_active = static_cast<std::uint32_t>(st.runs.size());
  h.tasks_done = st.tasks_done->load();
  h.peers = st.setup.peers->peers();
  h.admitted = st.setup.peers->admitted();
  h.rejected = st.setup.peers->rejected();
  h.joins_refused = st.joins_refused;
  h.joins_accepted = st.joins_accepted;
  if (st.setup.l3_store)
    h.l3 = shard_counters(*st.setup.l3_store);
  return h;
}

node_actor::behavior_type node_behavior(self_ptr self, node_setup setup) {
  auto& st = self->state;
  st.setup = std::move(setup);
  st.self_id = caf::to_string(self->node());
  // Session numbers start at a random point: a stale auth of an earlier
  // node process on the same port names no live handshake.
  auto seed = make_nonce();
  std::memcpy(&st.next_session, seed.data(), sizeof st.next_session);
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  auto peers = st.setup.peers;
  return {
    [self](hello_atom, hello& h) { return on_hello(self, h); },
    [self](auth_atom, const auth& a) { return on_auth(self, a); },
    [self, peers](health_atom) -> caf::result<node_health> {
      if (!peers->admit(self->current_sender()))
        return caf::delegated<node_health>{};
      return make_health(self);
    },
    [self, peers](open_atom, open_request& req) -> caf::result<opened_lanes> {
      if (!peers->admit(self->current_sender()))
        return caf::delegated<opened_lanes>{};
      return on_open(self, req);
    },
    [self, peers](cached_atom, const bundle_query& q) -> caf::result<cached_bundles> {
      if (!peers->admit(self->current_sender()))
        return caf::delegated<cached_bundles>{};
      if (q.bundles.size() > max_bundle_query)
        return troupe::detail::make_caf_error(errc::invalid_graph,
                              "a bundle query of " + std::to_string(q.bundles.size())
                                + " keys (at most " + std::to_string(max_bundle_query) + ")");
      cached_bundles out;
      out.held.assign(q.bundles.size(), 0);
      const auto& cache = self->state.setup.cache;
      if (cache && cache->l2())
        for (std::size_t i = 0; i < q.bundles.size(); ++i)
          out.held[i] = cache->l2()->holds(q.bundles[i]) ? 1 : 0;
      return out;
    },
    [self, peers](close_atom, std::uint64_t run) -> caf::result<std::uint32_t> {
      const auto& sender = self->current_sender();
      if (!peers->admit(sender))
        return caf::delegated<std::uint32_t>{};
      const auto& owner = sender->node();
      return close_runs(self, [&](const served_entry& e) {
        return e.run == run && e.owner == owner;
      });
    },
    [self, peers](member_atom, const member_info& info) {
      if (!peers->admit(self->current_sender()))
        return;
      auto& st = self->state;
      if (info.node == st.self_id)
        return;
      bool known = std::any_of(st.members.begin(), st.members.end(), [&](const auto& kv) {
        return kv.second.info.node == info.node;
      });
      if (!known) {
        st.setup.log->info("member {} ({}) announced by a member: joining it", info.name,
                           info.address);
        join_in_background(self, info.address);
      }
    },
    [self, peers](joined_atom, joined_member& jm) {
      if (!peers->is_local(self->current_sender())) {
        peers->count_rejected();
        return;
      }
      auto& st = self->state;
      st.joining.erase(jm.address);
      if (!jm.handle) {
        st.setup.log->warn("cannot join member {}: {}", jm.address, jm.failure);
        return;
      }
      member_info info{jm.info.name, jm.info.address, jm.info.node, jm.info.workers};
      auto node = jm.handle.node();
      add_member(self, node, info, jm.handle);
      for (const auto& m : jm.info.members) {
        bool known = m.node == st.self_id
                     || std::any_of(st.members.begin(), st.members.end(), [&](const auto& kv) {
                          return kv.second.info.node == m.node;
                        });
        if (!known)
          join_in_background(self, m.address);
      }
    },
  };
}

} // namespace

const char* to_string(peer_role role) noexcept {
  switch (role) {
    case peer_role::node: return "node";
    case peer_role::run: return "run";
    case peer_role::observer: return "observer";
  }
  return "unknown";
}

node_actor spawn_node_actor(caf::actor_system& sys, node_setup setup) {
  return sys.spawn(node_behavior, std::move(setup));
}

void add_node_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<hello>("troupe.node.hello");
  cfg.add_message_type<challenge>("troupe.node.challenge");
  cfg.add_message_type<auth>("troupe.node.auth");
  cfg.add_message_type<member_info>("troupe.node.member_info");
  cfg.add_message_type<welcome>("troupe.node.welcome");
  cfg.add_message_type<peer_info>("troupe.node.peer_info");
  cfg.add_message_type<node_health>("troupe.node.node_health");
  cfg.add_message_type<l3_member>("troupe.node.l3_member");
  cfg.add_message_type<std::vector<l3_member>>("troupe.node.l3_members");
  cfg.add_message_type<open_request>("troupe.node.open_request");
  cfg.add_message_type<lane_group>("troupe.node.lane_group");
  cfg.add_message_type<opened_lanes>("troupe.node.opened_lanes");
  cfg.add_message_type<joined_member>("troupe.node.joined_member");
  cfg.add_message_type<bundle_query>("troupe.node.bundle_query");
  cfg.add_message_type<cached_bundles>("troupe.node.cached_bundles");
}

} // namespace troupe::nodes::detail
