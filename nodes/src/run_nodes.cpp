// The nodes of a `troupe run`: joined ones and node processes.
#include "troupe/nodes/internal/run_nodes.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "troupe/cache/internal/l3_group.hpp"
#include "troupe/cache/tiered_cache.hpp"
#include "troupe/nodes/internal/endpoint.hpp"
#include "troupe/nodes/internal/node_client.hpp"
#include "troupe/runtime/caf_interop.hpp"
#include "troupe/runtime/runtime.hpp"

extern char** environ;

namespace troupe::nodes::detail {

namespace {

using troupe::detail::agent_actor;
using troupe::detail::supervisor_actor;
using clock_type = std::chrono::steady_clock;

/// An L3 lookup waits at most this long for a shard (a lost node's shard
/// leaves the group once its loss is seen, within the heartbeat timeout).
constexpr std::chrono::milliseconds l3_timeout{1000};

/// A node this run joined, as the supervisor sees it.
class joined_remote final : public troupe::detail::remote_node {
public:
  /// `use_cache`: whether the lanes of this run's tasks may use the node's
  /// cache (not for a run without one: --no-cache).
  joined_remote(caf::actor_system& sys, joined_node joined, std::chrono::milliseconds timeout,
                std::chrono::milliseconds task_timeout, bool use_cache)
    : sys_(sys),
      joined_(std::move(joined)),
      timeout_(timeout),
      task_timeout_(task_timeout),
      use_cache_(use_cache) {
  }

  const std::string& name() const noexcept override {
    return joined_.info.name;
  }

  std::vector<std::uint8_t> cached(const std::vector<cache::cache_key>& bundles) override {
    auto answer = request_cached(sys_, joined_.node, bundle_query{bundles}, timeout_);
    if (!answer || answer->held.size() != bundles.size())
      return {};
    return std::move(answer->held);
  }

  std::uint32_t workers() const noexcept override {
    return joined_.info.workers;
  }

  caf::actor handle() const override {
    return caf::actor_cast<caf::actor>(joined_.node);
  }

  expected<std::vector<std::vector<agent_actor>>>
  open_lanes(std::uint64_t run, const std::vector<std::vector<std::string>>& groups,
             const supervisor_actor& supervisor) override {
    open_request req;
    req.run = run;
    req.supervisor = supervisor;
    req.task_timeout_ms = static_cast<std::uint32_t>(
      std::min<std::int64_t>(task_timeout_.count(), std::numeric_limits<std::uint32_t>::max()));
    for (const auto& g : groups)
      for (const auto& id : g)
        if (std::find(req.agents.begin(), req.agents.end(), id) == req.agents.end())
          req.agents.push_back(id);
    req.l3 = l3_;
    req.use_cache = use_cache_;
    auto opened = nodes::detail::open_lanes(sys_, joined_.node, req, timeout_);
    if (!opened)
      return opened.error();
    // The node groups the agents by its own executors; each group of the
    // run maps to the node's group that holds its agents.
    std::vector<std::vector<agent_actor>> out(groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].empty())
        continue;
      for (auto& lg : opened->groups) {
        bool holds = std::all_of(groups[g].begin(), groups[g].end(), [&](const auto& id) {
          return std::find(lg.agents.begin(), lg.agents.end(), id) != lg.agents.end();
        });
        if (holds && lg.per_slot) {
          out[g] = lg.lanes;
          break;
        }
      }
    }
    return out;
  }

  void close_lanes(std::uint64_t run) override {
    // One-way: a lost node must not hold up the end of the run.
    caf::anon_send(joined_.node, close_atom::value, run);
  }

  const joined_node& joined() const noexcept {
    return joined_;
  }

  /// The shards of the run's L3 group, which the node's cache joins.
  void use_l3(std::vector<l3_member> members) {
    l3_ = std::move(members);
  }

private:
  caf::actor_system& sys_;
  joined_node joined_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds task_timeout_;
  bool use_cache_;
  std::vector<l3_member> l3_;
};

/// A random token for the node processes of one run (hex of 256 bits).
std::string fresh_token() {
  std::random_device rd;
  std::string out;
  static const char* hex = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) {
    auto b = rd() & 0xff;
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

/// This process's executable.
std::string self_executable() {
  char buf[4096];
  auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return {};
  return std::string(buf, static_cast<std::size_t>(n));
}

/// The node processes of a run; the destructor stops them.
class node_processes {
public:
  node_processes() = default;
  node_processes(const node_processes&) = delete;
  node_processes& operator=(const node_processes&) = delete;

  ~node_processes() {
    stop();
  }

  /// Starts one `troupe node` and returns where it listens.
  expected<endpoint> start(const std::string& exe, const std::vector<std::string>& args,
                           const std::string& token, std::chrono::milliseconds limit) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
      return error{errc::runtime_failure, std::string{"pipe: "} + std::strerror(errno)};
    char log_name[] = "/tmp/troupe-node-XXXXXX";
    int log_fd = ::mkostemp(log_name, O_CLOEXEC);
    if (log_fd < 0) {
      ::close(out[0]);
      ::close(out[1]);
      return error{errc::runtime_failure, std::string{"node log file: "} + std::strerror(errno)};
    }
    ::unlink(log_name); // read through the descriptor only
    // Everything the child needs is ready before fork: after it, only
    // async-signal-safe calls.
    std::vector<std::string> argv_s{exe};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e)
      if (std::strncmp(*e, "TROUPE_TOKEN=", 13) != 0)
        env_s.emplace_back(*e);
    env_s.push_back("TROUPE_TOKEN=" + token);
    std::vector<char*> envp;
    for (auto& e : env_s)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    auto parent = ::getpid();
    auto pid = ::fork();
    if (pid < 0) {
      ::close(out[0]);
      ::close(out[1]);
      ::close(log_fd);
      return error{errc::runtime_failure, std::string{"fork: "} + std::strerror(errno)};
    }
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent)
        ::_exit(127);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::dup2(out[1], 1);
      ::dup2(log_fd, 2);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out[1]);
    children_.push_back({pid, log_fd});
    auto line = read_line(out[0], limit);
    ::close(out[0]);
    const std::string prefix = "troupe node: listening on ";
    if (line.rfind(prefix, 0) != 0) {
      auto why = line.empty() ? "did not start listening within "
                                  + std::to_string(limit.count()) + " ms"
                              : "printed '" + line + "'";
      return error{errc::runtime_failure,
                   "node process " + std::to_string(pid) + " (" + exe + " node) " + why
                     + log_tail(log_fd)};
    }
    return parse_endpoint(line.substr(prefix.size()), "node process address");
  }

  /// SIGTERM to every child, SIGKILL to those still running after 3 s;
  /// every child is reaped.
  void stop() {
    for (auto& c : children_)
      if (c.pid > 0)
        ::kill(c.pid, SIGTERM);
    auto deadline = clock_type::now() + std::chrono::seconds(3);
    for (auto& c : children_) {
      if (c.pid <= 0)
        continue;
      while (::waitpid(c.pid, nullptr, WNOHANG) == 0) {
        if (clock_type::now() >= deadline) {
          ::kill(c.pid, SIGKILL);
          ::waitpid(c.pid, nullptr, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      c.pid = -1;
      ::close(c.log_fd);
    }
    children_.clear();
  }

private:
  struct child {
    pid_t pid;
    int log_fd;
  };

  /// The first line the child prints, or "" when none comes in time.
  static std::string read_line(int fd, std::chrono::milliseconds limit) {
    std::string text;
    auto deadline = clock_type::now() + limit;
    while (text.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline
                                                                        - clock_type::now());
      if (left.count() <= 0)
        return {};
      pollfd p{fd, POLLIN, 0};
      auto ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready <= 0)
        return {};
      char buf[256];
      auto n = ::read(fd, buf, sizeof buf);
      if (n <= 0)
        break;
      text.append(buf, static_cast<std::size_t>(n));
    }
    auto nl = text.find('\n');
    return nl == std::string::npos ? text : text.substr(0, nl);
  }

  /// The last lines the child logged, for an error message.
  static std::string log_tail(int fd) {
    std::string text;
    char buf[4096];
    ssize_t n;
    ::lseek(fd, 0, SEEK_SET);
    while ((n = ::read(fd, buf, sizeof buf)) > 0)
      text.append(buf, static_cast<std::size_t>(n));
    if (text.empty())
      return {};
    if (text.size() > 600)
      text = "..." + text.substr(text.size() - 600);
    while (!text.empty() && text.back() == '\n')
      text.pop_back();
    return "; its log: " + text;
  }

  std::vector<child> children_;
};

/// Removes a lost node's shard from the L3 group once CAF sees it down.
struct l3_watch_state {
  std::shared_ptr<cache::detail::l3_group> group;
  std::map<caf::actor_addr, std::string> names;
};

using l3_watch_actor = caf::stateful_actor<l3_watch_state>;

caf::behavior l3_watch(l3_watch_actor* self, std::shared_ptr<cache::detail::l3_group> group) {
  self->state.group = std::move(group);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto i = self->state.names.find(msg.source);
    if (i == self->state.names.end())
      return;
    self->state.group->leave(i->second);
    self->state.names.erase(i);
  });
  return {
    [self](caf::actor& node, std::string& name) {
      self->monitor(node);
      self->state.names[node.address()] = std::move(name);
    },
  };
}

/// What a run holds of its nodes until it ends.
struct run_hold {
  node_processes processes;
  std::vector<std::shared_ptr<joined_remote>> joined;
  std::shared_ptr<cache::tiered_cache> cache;
  std::shared_ptr<spdlog::logger> log;
  caf::actor watch;

  ~run_hold() {
    end();
  }

  /// Leaves the L3 group, once the shards hold what the run put there,
  /// and stops the node processes; idempotent.
  void end() {
    if (cache) {
      if (auto l3 = cache->l3())
        if (auto err = l3->flush(std::chrono::seconds(2)))
          log->warn("some of the run's L3 puts may be lost: {}", err.message());
      cache->set_l3(nullptr);
    }
    cache = nullptr;
    if (watch)
      caf::anon_send_exit(watch, caf::exit_reason::user_shutdown);
    watch = nullptr;
    processes.stop();
  }
};

class provider final : public troupe::detail::run_nodes_provider {
public:
  explicit provider(run_nodes_options options) : options_(std::move(options)) {
  }

  expected<bool> prepare(runtime_options& ro, const config::settings& settings,
                         const std::vector<std::string>& join) override {
    bool processes = settings.parallel.type == config::worker_type::process;
    if (join.empty() && settings.nodes.join.empty() && !processes)
      return false;
    if (processes && !settings.nodes.lend_workers)
      return error{errc::invalid_config,
                   "nodes.lend_workers: false leaves the node processes of "
                   "parallel.worker_type: process no work; set one or the other"};
    for (const auto& j : join)
      if (auto ep = parse_endpoint(j, "--join"); !ep)
        return ep.error();
    for (const auto& j : settings.nodes.join)
      if (auto ep = parse_endpoint(j, "nodes.join"); !ep)
        return ep.error();
    network_options net;
    net.tls = options_.tls;
    net.heartbeat_interval = settings.nodes.heartbeat_interval;
    net.connection_timeout = settings.nodes.connection_timeout;
    if (auto err = enable_network(ro, net))
      return err;
    cache_dir_ = ro.cache_dir;
    return true;
  }

  expected<troupe::detail::run_nodes> connect(runtime& rt, const config::settings& settings,
                                              const std::vector<std::string>& join) override {
    auto& sys = runtime_access::system(rt);
    auto hold = std::make_shared<run_hold>();
    troupe::detail::run_nodes out;
    std::vector<std::pair<endpoint, join_credentials>> targets;
    std::vector<std::string> addresses = settings.nodes.join;
    addresses.insert(addresses.end(), join.begin(), join.end());
    if (!addresses.empty()) {
      join_credentials creds{options_.cluster, {}};
      auto token = resolve_token(options_.token);
      if (!token)
        return token.error();
      creds.token = *token;
      for (const auto& a : addresses)
        targets.emplace_back(*parse_endpoint(a, "--join"), creds);
    }
    if (settings.parallel.type == config::worker_type::process) {
      auto exe = options_.executable.empty() ? self_executable() : options_.executable;
      if (exe.empty())
        return error{errc::runtime_failure,
                     "parallel.worker_type: process: cannot find the troupe executable"};
      auto count = settings.parallel.workers ? settings.parallel.workers
                                             : std::max(1u, std::thread::hardware_concurrency());
      join_credentials creds{options_.cluster, fresh_token()};
      std::vector<std::string> args{"node", "--listen", "127.0.0.1:0", "--workers", "1",
                                    "--cluster", options_.cluster, "--profile", settings.profile};
      if (cache_dir_.empty())
        args.push_back("--no-cache");
      else
        args.insert(args.end(), {"--cache-dir", cache_dir_});
      if (options_.tls.enabled())
        args.insert(args.end(), {"--tls-ca", options_.tls.ca, "--tls-cert",
                                 options_.tls.certificate, "--tls-key", options_.tls.key});
      for (std::uint32_t i = 0; i < count; ++i) {
        auto ep = hold->processes.start(exe, args, creds.token, options_.start_timeout);
        if (!ep)
          return ep.error();
        targets.emplace_back(*ep, creds);
      }
      out.nodes_are_workers = true;
      out.notes.push_back("parallel.worker_type: process: started " + std::to_string(count)
                          + " node processes of 1 worker each");
    }
    std::set<std::string> seen; // CAF node ids joined
    for (std::size_t t = 0; t < targets.size(); ++t) {
      auto [ep, creds] = targets[t];
      join_options jo;
      jo.credentials = creds;
      jo.name = "run@" + std::to_string(::getpid());
      jo.role = peer_role::run;
      jo.timeout = options_.timeout;
      auto joined = join_node(sys, ep.host, ep.port, jo);
      if (!joined)
        return error{joined.error().code(),
                     "cannot join " + ep.to_string() + ": " + joined.error().message()};
      if (!seen.insert(joined->info.node).second)
        continue;
      // A node's fellow members lend their workers too.
      for (const auto& m : joined->info.members)
        if (seen.count(m.node) == 0)
          if (auto mep = parse_endpoint(m.address, "member address"))
            targets.emplace_back(*mep, creds);
      out.notes.push_back("joined node " + joined->info.name + " (" + ep.to_string() + ", "
                          + std::to_string(joined->info.workers) + " workers)");
      hold->joined.push_back(std::make_shared<joined_remote>(
        sys, std::move(*joined), options_.timeout, settings.agents.task_timeout,
        rt.cache() != nullptr));
    }
    if (settings.cache.l3_enabled) {
      if (auto cache = rt.cache()) {
        auto group = std::make_shared<cache::detail::l3_group>(sys, l3_timeout);
        hold->watch = sys.spawn(l3_watch, group);
        for (const auto& j : hold->joined) {
          const auto& info = j->joined().info;
          if (!info.l3)
            continue;
          group->join(info.name, info.l3);
          caf::anon_send(hold->watch, j->handle(), info.name);
        }
        cache->set_l3(group);
        hold->cache = cache;
        hold->log = rt.logger("troupe.nodes");
        std::vector<l3_member> members;
        for (const auto& j : hold->joined)
          if (j->joined().info.l3)
            members.push_back({j->joined().info.name, j->joined().info.l3});
        for (const auto& j : hold->joined)
          j->use_l3(members);
        out.notes.push_back("cache.l3_enabled: L3 over the shards of "
                            + std::to_string(group->members().size()) + " nodes");
      } else {
        out.notes.push_back("cache.l3_enabled: this run has no cache (--no-cache), so no L3");
      }
    }
    if (!settings.nodes.lend_workers) {
      // The nodes serve the run's L3 tier only: this process keeps every
      // task, and the hold lives until the run stops using the nodes.
      out.notes.push_back("nodes.lend_workers: false: every task runs in this process");
      out.stop = [hold]() mutable {
        if (hold)
          hold->end();
        hold = nullptr;
      };
      return out;
    }
    // Each node the supervisor sees keeps the run's hold: the processes stop
    // when the last of them goes.
    for (const auto& j : hold->joined)
      out.nodes.push_back(std::shared_ptr<troupe::detail::remote_node>(hold, j.get()));
    out.stop = [weak = std::weak_ptr<run_hold>{hold}] {
      if (auto h = weak.lock())
        h->end();
    };
    return out;
  }

private:
  run_nodes_options options_;
  std::string cache_dir_;
};

} // namespace

std::shared_ptr<troupe::detail::run_nodes_provider> make_run_nodes(run_nodes_options options) {
  return std::make_shared<provider>(std::move(options));
}

} // namespace troupe::nodes::detail
