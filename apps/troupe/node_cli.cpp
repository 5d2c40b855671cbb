#include "node_cli.hpp"

namespace troupe::cli {

void add_node_command(CLI::App& app, node_cli& cli) {
  auto& o = cli.options;
  auto* node = app.add_subcommand(
    "node", "serve as a cluster node: agent lanes and an L3 cache shard for joined runs");
  cli.command = node;
  auto* listen = node->add_option("--listen", o.listen,
                   "HOST:PORT to listen on (port 0: a free one); any address but loopback "
                   "requires --tls-ca, --tls-cert and --tls-key")
    ->capture_default_str();
  auto* join = node->add_option("--join", o.join, "HOST:PORT of a node to join (repeatable)");
  auto* profile =
    node->add_option("--profile", o.profile, "profile name or YAML file")->capture_default_str();
  auto* workers = node->add_option("--workers", o.workers, "worker slots (default: profile)")
                    ->check(CLI::Range(1u, 1024u));
  auto* cache_dir = node->add_option("--cache-dir", o.cache_dir,
                   "cache folder (default: $TROUPE_CACHE_DIR, $XDG_CACHE_HOME/troupe, "
                   "~/.cache/troupe)");
  auto* no_cache = node->add_flag("--no-cache", o.no_cache, "no L1/L2 cache tier for the node's lanes");
  node->add_option("--token", o.token,
                   "cluster token (default: $TROUPE_TOKEN, else the file node-token of the "
                   "default cache folder, created on first use)");
  node->add_option("--cluster", o.cluster, "cluster id; nodes of other clusters are refused")
    ->capture_default_str();
  auto* name =
    node->add_option("--name", o.name, "the node's name in logs and health (default HOST:PORT)");
  node->add_option("--tls-ca", o.tls.ca, "PEM file of the cluster's CA (mutual TLS)");
  node->add_option("--tls-cert", o.tls.certificate,
                   "PEM certificate of this node, signed by the cluster's CA");
  node->add_option("--tls-key", o.tls.key, "PEM private key of the certificate (unencrypted)");
  node->add_option("--timeout", o.timeout_ms, "milliseconds a join or a health request may take")
    ->check(CLI::Range(100u, 600000u))
    ->capture_default_str();
  auto* health = node->add_option("--health", cli.health,
                                  "print the health of the node at HOST:PORT as JSON (after "
                                  "joining it as an observer) and exit");
  // What only a serving node uses is refused with --health, not ignored.
  for (auto* serving : {listen, join, profile, workers, cache_dir, no_cache, name})
    health->excludes(serving);
}

int run_node_command(const config::profile_loader& loader, const node_cli& cli) {
  if (!cli.health.empty())
    return nodes::node_health_command(cli.health, cli.options);
  return nodes::node_command(loader, cli.options);
}

} // namespace troupe::cli
