// File: running the troupe binary from integration tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace troupe::test {

/// What a finished child process left behind.
struct process_result {
  int exit_code = -1;
  std::string out;
  std::string err;
  /// The child's peak resident set size (wait4's ru_maxrss), in bytes.
  std::uint64_t peak_rss_bytes = 0;
};

inline std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

/// The source root, as set by troupe_add_test.
inline std::filesystem::path source_dir() {
  return env_or("TROUPE_SOURCE_DIR", ".");
}

/// The troupe executable of this build.
inline std::string troupe_binary() {
  return (std::filesystem::path{env_or("TROUPE_BINARY_DIR", ".")} / "troupe").string();
}

/// A fresh temporary directory, removed by the destructor.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    char tmpl[] = "/tmp/troupe-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Polls `pred` every 10 ms until it holds or `limit` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (pred())
      return true;
    if (std::chrono::steady_clock::now() >= end)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

/// Starts `args` with stdout and stderr sent to files in `dir`; returns the pid.
inline pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto out = (dir / "stdout").string();
  auto err = (dir / "stderr").string();
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr))
      _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

/// Waits for a child started by `spawn` and collects its output.
inline process_result wait_for(pid_t pid, const std::filesystem::path& dir) {
  process_result r;
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  r.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(dir / "stdout");
  r.err = slurp(dir / "stderr");
  return r;
}

/// Runs `args` to completion.
inline process_result run(const std::vector<std::string>& args) {
  temp_dir io;
  return wait_for(spawn(args, io.path), io.path);
}

} // namespace troupe::test
