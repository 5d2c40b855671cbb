// File: `troupe node` processes for the cluster tests, and a client runtime
// that joins them.
#pragma once

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "integration/troupe_process.hpp"
#include "troupe/nodes/internal/node_client.hpp"
#include "troupe/nodes/network_options.hpp"
#include "troupe/runtime/caf_interop.hpp"
#include "troupe/runtime/runtime.hpp"

namespace troupe::test {

/// A fresh temporary folder, removed by the destructor.
struct scratch_dir {
  std::filesystem::path path;
  scratch_dir() {
    char tmpl[] = "/tmp/troupe-cluster-XXXXXX";
    if (!mkdtemp(tmpl))
      throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
};

/// A child process with its stdout and stderr in files; killed (SIGKILL)
/// and reaped by the destructor if it still runs.
class child_process {
public:
  /// Starts `args` (args[0]: the executable) with `env` added to the
  /// environment.
  child_process(std::vector<std::string> args,
                std::vector<std::pair<std::string, std::string>> env = {}) {
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    auto out = out_file().string();
    auto err = err_file().string();
    pid_ = fork();
    if (pid_ < 0)
      throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      for (auto& [k, v] : env)
        setenv(k.c_str(), v.c_str(), 1);
      if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr))
        _exit(126);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }

  ~child_process() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      reap(std::chrono::seconds(10));
    }
  }

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const noexcept {
    return pid_;
  }

  std::filesystem::path out_file() const {
    return dir_.path / "stdout";
  }
  std::filesystem::path err_file() const {
    return dir_.path / "stderr";
  }
  std::string out() const {
    return slurp(out_file());
  }
  std::string err() const {
    return slurp(err_file());
  }

  /// Whether it has not been reaped yet (and has not exited).
  bool running() {
    if (exited_)
      return false;
    int status = 0;
    auto r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }

  /// Waits until it exits, at most `limit`; its exit code (128 + signal
  /// when killed), or -1 if it still runs.
  int reap(std::chrono::milliseconds limit) {
    eventually([&] { return !running(); }, limit);
    return exited_ ? exit_code_ : -1;
  }

  void signal(int sig) {
    ::kill(pid_, sig);
  }

private:
  scratch_dir dir_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
};

/// `troupe node` on 127.0.0.1:0 (unless args say otherwise), no cache unless
/// args give a --cache-dir.
class node_process {
public:
  explicit node_process(std::vector<std::string> args,
                        std::vector<std::pair<std::string, std::string>> env = {},
                        bool default_args = true)
    : child_(make_args(std::move(args), default_args), std::move(env)) {
  }

  /// Waits for "troupe node: listening on HOST:PORT"; false if the node
  /// exited or did not print it in time.
  bool wait_listening(std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const std::string marker = "troupe node: listening on ";
    bool ok = eventually(
      [&] {
        auto out = child_.out();
        auto at = out.find(marker);
        if (at == std::string::npos || out.find('\n', at) == std::string::npos)
          return !child_.running();
        auto line = out.substr(at + marker.size());
        line = line.substr(0, line.find('\n'));
        address_ = line;
        port_ = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
        return true;
      },
      limit);
    return ok && port_ != 0;
  }

  const std::string& address() const noexcept {
    return address_;
  }
  std::uint16_t port() const noexcept {
    return port_;
  }
  child_process& process() noexcept {
    return child_;
  }
  std::string err() const {
    return child_.err();
  }

private:
  static std::vector<std::string> make_args(std::vector<std::string> args, bool defaults) {
    std::vector<std::string> all{troupe_binary(), "node"};
    if (defaults) {
      auto has = [&](const char* flag) {
        return std::find(args.begin(), args.end(), flag) != args.end();
      };
      if (!has("--listen"))
        all.insert(all.end(), {"--listen", "127.0.0.1:0"});
      if (!has("--workers"))
        all.insert(all.end(), {"--workers", "1"});
      if (!has("--cache-dir"))
        all.push_back("--no-cache");
    }
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }

  child_process child_;
  std::string address_;
  std::uint16_t port_ = 0;
};

/// A runtime of the test process that can join nodes.
class client {
public:
  explicit client(nodes::tls_files tls = {}) : rt_(make_options(std::move(tls))) {
  }

  caf::actor_system& system() {
    return runtime_access::system(rt_);
  }

  /// Joins the node at 127.0.0.1:port as a run.
  expected<nodes::detail::joined_node> join(std::uint16_t port, const std::string& token,
                                            const std::string& cluster = "troupe",
                                            std::uint32_t version =
                                              nodes::detail::protocol_version,
                                            const std::string& host = "127.0.0.1") {
    nodes::detail::join_options jo;
    jo.credentials = {cluster, token};
    jo.version = version;
    jo.name = "test-client";
    jo.role = nodes::detail::peer_role::run;
    jo.timeout = std::chrono::seconds(5);
    return nodes::detail::join_node(system(), host, port, jo);
  }

  expected<nodes::detail::node_health> health(const nodes::detail::joined_node& j) {
    return nodes::detail::request_health(system(), j.node, std::chrono::seconds(5));
  }

private:
  static runtime_options make_options(nodes::tls_files tls) {
    runtime_options ro;
    ro.workers = 1;
    nodes::network_options net;
    net.tls = std::move(tls);
    if (auto err = nodes::enable_network(ro, net))
      throw std::runtime_error(err.message());
    return ro;
  }

  runtime rt_;
};

/// Listening TCP sockets of a process's network namespace on `port` (pid
/// 0: this process's), from /proc/PID/net/tcp and tcp6, as "tcp ADDR:PORT"
/// in the kernel's hex (127.0.0.1:80 is "tcp 0100007F:0050").
inline std::vector<std::string> listeners(pid_t pid, std::uint16_t port) {
  std::vector<std::string> out;
  char hex_port[8];
  std::snprintf(hex_port, sizeof hex_port, "%04X", port);
  for (const char* table : {"tcp", "tcp6"}) {
    std::ifstream in{"/proc/" + (pid ? std::to_string(pid) : std::string{"self"}) + "/net/"
                     + table};
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
      std::istringstream fields{line};
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      if (state == "0A" && local.size() > 5 && local.substr(local.size() - 4) == hex_port)
        out.push_back(std::string{table} + " " + local);
    }
  }
  return out;
}

} // namespace troupe::test
