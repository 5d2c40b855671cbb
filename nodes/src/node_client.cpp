// The joining side of the node protocol.
#include "troupe/nodes/internal/node_client.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/manager.hpp>

#include "troupe/base/internal/caf_error.hpp"
#include "troupe/nodes/internal/handshake.hpp"

namespace troupe::nodes::detail {

namespace {

std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

/// A request's error as troupe's: a timeout or a lost connection means the
/// node is unreachable; the node's own refusals keep their code and text.
troupe::error request_failed(const caf::error& err, const std::string& what,
                             const std::string& where, std::chrono::milliseconds timeout) {
  auto e = troupe::detail::from_caf(err);
  if (err.category() == caf::atom("system")) {
    if (static_cast<caf::sec>(err.code()) == caf::sec::request_timeout)
      return {errc::peer_unreachable,
              "node " + where + ": no answer to " + what + " within " + ms_text(timeout)};
    return {errc::peer_unreachable, "node " + where + ": " + what + " failed: " + e.message()};
  }
  return {e.code(), "node " + where + ": " + e.message()};
}

/// CAF's connect: the middleman actor (or the OpenSSL module's when loaded)
/// connects and runs the BASP handshake. A client connection can be cut
/// by the heartbeat check before the server's first bytes arrive (CAF
/// 0.17 starts its idle clock at zero), so a connection_timeout is retried.
expected<std::pair<caf::node_id, caf::strong_actor_ptr>>
connect(caf::actor_system& sys, const std::string& host, std::uint16_t port,
        std::chrono::milliseconds timeout) {
  auto where = host + ":" + std::to_string(port);
  auto mm = sys.has_openssl_manager() ? sys.openssl_manager().actor_handle()
                                      : sys.middleman().actor_handle();
  troupe::error last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    caf::scoped_actor self{sys};
    caf::node_id nid;
    caf::strong_actor_ptr ptr;
    std::set<std::string> sigs;
    caf::error failed;
    self->request(mm, timeout, caf::connect_atom::value, host, port)
      .receive(
        [&](caf::node_id& n, caf::strong_actor_ptr& p, std::set<std::string>& s) {
          nid = std::move(n);
          ptr = std::move(p);
          sigs = std::move(s);
        },
        [&](caf::error& err) { failed = std::move(err); });
    if (!failed) {
      if (!ptr)
        return troupe::error{errc::invalid_config,
                             where + " publishes no actor: not a troupe node"};
      auto expected_sigs = sys.message_types<node_actor>();
      if (sigs != expected_sigs)
        return troupe::error{errc::invalid_config,
                             where + " does not speak troupe's node protocol (another program, "
                                     "or a troupe of another protocol version)"};
      return std::make_pair(std::move(nid), std::move(ptr));
    }
    last = request_failed(failed, "connect", where, timeout);
    bool retry = failed.category() == caf::atom("system")
                 && (static_cast<caf::sec>(failed.code()) == caf::sec::connection_timeout
                     || static_cast<caf::sec>(failed.code())
                          == caf::sec::disconnect_during_handshake);
    if (!retry)
      break;
  }
  return last;
}

/// A request that waits for its answer, at most `timeout`.
template <class T, class Handle, class... Ts>
expected<T> ask(caf::actor_system& sys, const Handle& dest, std::chrono::milliseconds timeout,
                const std::string& what, const std::string& where, Ts&&... xs) {
  caf::scoped_actor self{sys};
  std::optional<T> out;
  caf::error failed;
  self->request(dest, timeout, std::forward<Ts>(xs)...)
    .receive([&](T& x) { out = std::move(x); }, [&](caf::error& err) { failed = std::move(err); });
  if (failed || !out)
    return request_failed(failed, what, where, timeout);
  return std::move(*out);
}

} // namespace

std::string check_challenge(const challenge& c, const join_options& options,
                            const handshake_transcript& t) {
  if (c.version != options.version)
    return "protocol version mismatch: the node speaks version " + std::to_string(c.version)
           + ", this process version " + std::to_string(options.version);
  if (c.cluster != options.credentials.cluster)
    return "cluster id mismatch: the node is in cluster '" + c.cluster + "', this process in '"
           + options.credentials.cluster + "'";
  if (!same_proof(c.proof, make_proof(options.credentials.token, proof_side::node, t)))
    return "token mismatch: the node's proof does not match this process's token";
  return {};
}

anchor_handle::~anchor_handle() {
  if (actor)
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

expected<joined_node> join_node(caf::actor_system& sys, const std::string& host,
                                std::uint16_t port, const join_options& options) {
  auto where = host + ":" + std::to_string(port);
  if (options.credentials.token.empty())
    return troupe::error{errc::invalid_config, "no token to join " + where + " with"};
  auto connected = connect(sys, host, port, options.timeout);
  if (!connected)
    return connected.error();
  auto nid = connected->first;
  auto node = caf::actor_cast<node_actor>(connected->second);
  joined_node out;
  out.node = node;
  out.id = nid;
  hello h;
  h.version = options.version;
  h.cluster = options.credentials.cluster;
  h.name = options.name;
  h.role = static_cast<std::uint8_t>(options.role);
  h.address = options.address;
  h.nonce = make_nonce();
  h.anchor = options.anchor;
  if (!h.anchor) {
    // Lives until the last copy of the joined_node goes: the node forgets
    // this process when it is down (or the connection is lost).
    out.anchor = std::make_shared<anchor_handle>();
    out.anchor->actor = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
      return {[](caf::ok_atom) {}};
    });
    h.anchor = out.anchor->actor;
  }
  // One sender for the whole handshake: the node binds it to this
  // process's node id.
  caf::scoped_actor self{sys};
  std::optional<challenge> ch;
  caf::error failed;
  self->request(node, options.timeout, hello_atom::value, h)
    .receive([&](challenge& c) { ch = std::move(c); },
             [&](caf::error& err) { failed = std::move(err); });
  if (!ch)
    return request_failed(failed, "hello", where, options.timeout);
  handshake_transcript t{options.credentials.cluster, options.version, h.nonce, ch->nonce,
                         caf::to_string(sys.node()), caf::to_string(nid)};
  // Checked here too: a node that let a mismatch pass is refused.
  auto refusal = check_challenge(*ch, options, t);
  auth a;
  a.session = ch->session;
  if (!refusal.empty()) {
    // Tell the node why (it logs it), without a proof of our own.
    a.refusal = refusal;
    self->request(node, options.timeout, auth_atom::value, a)
      .receive([](welcome&) {}, [](caf::error&) {});
    return troupe::error{errc::peer_refused, "node " + where + " (" + ch->name
                                               + ") refused: " + refusal};
  }
  if (options.registry)
    options.registry->add(nid, peer_info{ch->name, caf::to_string(nid),
                                         static_cast<std::uint8_t>(peer_role::node), where});
  a.proof = make_proof(options.credentials.token, proof_side::joiner, t);
  std::optional<welcome> w;
  self->request(node, options.timeout, auth_atom::value, a)
    .receive([&](welcome& x) { w = std::move(x); },
             [&](caf::error& err) { failed = std::move(err); });
  if (!w) {
    if (options.registry)
      options.registry->remove(nid);
    return request_failed(failed, "auth", where, options.timeout);
  }
  out.info = std::move(*w);
  return out;
}

expected<opened_lanes> open_lanes(caf::actor_system& sys, const node_actor& node,
                                  const open_request& request,
                                  std::chrono::milliseconds timeout) {
  return ask<opened_lanes>(sys, node, timeout, "open", caf::to_string(node.node()),
                           open_atom::value, request);
}

expected<std::uint32_t> close_lanes(caf::actor_system& sys, const node_actor& node,
                                    std::uint64_t run, std::chrono::milliseconds timeout) {
  return ask<std::uint32_t>(sys, node, timeout, "close", caf::to_string(node.node()),
                            close_atom::value, run);
}

expected<cached_bundles> request_cached(caf::actor_system& sys, const node_actor& node,
                                        const bundle_query& query,
                                        std::chrono::milliseconds timeout) {
  return ask<cached_bundles>(sys, node, timeout, "cached", caf::to_string(node.node()),
                             cached_atom::value, query);
}

expected<node_health> request_health(caf::actor_system& sys, const node_actor& node,
                                     std::chrono::milliseconds timeout) {
  return ask<node_health>(sys, node, timeout, "health", caf::to_string(node.node()),
                          health_atom::value);
}

} // namespace troupe::nodes::detail
