#include "child_process.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <csignal>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace troupe::scenarios::detail {

child_run run_child(const std::vector<std::string>& command, std::string* stdout_text) {
  child_run out;
  if (command.empty()) {
    out.error = "empty command";
    return out;
  }
  char err_path[] = "/tmp/troupe-bench-XXXXXX";
  int err_fd = mkstemp(err_path);
  if (err_fd < 0) {
    out.error = std::string{"mkstemp: "} + std::strerror(errno);
    return out;
  }
  // Stdout goes to a file of its own even when nobody reads it.
  char out_path[] = "/tmp/troupe-bench-out-XXXXXX";
  int out_fd = mkstemp(out_path);
  if (out_fd < 0) {
    out.error = std::string{"mkstemp: "} + std::strerror(errno);
    close(err_fd);
    unlink(err_path);
    return out;
  }
  std::vector<char*> argv;
  for (const auto& a : command)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  auto parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    // A child does not outlive an interrupted bench.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(1);
    int nothing = open("/dev/null", O_RDONLY);
    dup2(nothing, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  close(err_fd);
  close(out_fd);
  if (pid < 0) {
    out.error = std::string{"fork: "} + std::strerror(errno);
    unlink(err_path);
    unlink(out_path);
    return out;
  }
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (out.exit_code != 0) {
    std::ifstream in{err_path};
    std::stringstream text;
    text << in.rdbuf();
    auto s = text.str();
    out.error = s.size() > 2000 ? s.substr(s.size() - 2000) : s;
  }
  unlink(err_path);
  if (stdout_text) {
    std::ifstream in{out_path};
    std::stringstream text;
    text << in.rdbuf();
    *stdout_text = text.str();
  }
  unlink(out_path);
  return out;
}

} // namespace troupe::scenarios::detail
