// The shared token: given, from the environment, or from the user's token
// file (created on first use, mode 0600).
#include "troupe/nodes/join_credentials.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "troupe/cache/cache_dir.hpp"
#include "troupe/nodes/internal/handshake.hpp"

namespace troupe::nodes {

namespace {

namespace fs = std::filesystem;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  return s;
}

troupe::error sys_error(const std::string& path, const std::string& what) {
  int e = errno;
  return {errc::invalid_config, e, "token file " + path + ": " + what + ": " + std::strerror(e)};
}

/// Writes a fresh token to `path` unless a file is there already: written
/// to a temporary file of mode 0600 and linked into place, so that two
/// processes starting at once agree on one token.
troupe::error create_token_file(const std::string& path) {
  auto dir = fs::path{path}.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return {errc::invalid_config, ec.value(),
            "token file " + path + ": cannot create its folder: " + ec.message()};
  auto tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return sys_error(path, "cannot create");
  auto token = detail::random_hex(32) + "\n";
  bool ok = ::write(fd, token.data(), token.size()) == static_cast<ssize_t>(token.size())
            && ::fsync(fd) == 0;
  int write_errno = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    errno = write_errno;
    return sys_error(path, "cannot write");
  }
  int rc = ::link(tmp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc != 0 && link_errno != EEXIST) {
    errno = link_errno;
    return sys_error(path, "cannot create");
  }
  return {};
}

} // namespace

std::string default_token_file() {
  return (fs::path{cache::default_cache_dir()} / "node-token").string();
}

expected<std::string> resolve_token(const std::string& given, std::string token_file) {
  if (!given.empty())
    return given;
  if (const char* env = std::getenv("TROUPE_TOKEN"); env && *env)
    return std::string{env};
  if (token_file.empty())
    token_file = default_token_file();
  int fd = ::open(token_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    if (auto err = create_token_file(token_file))
      return err;
    fd = ::open(token_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0)
    return sys_error(token_file, "cannot open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    auto err = sys_error(token_file, "cannot stat");
    ::close(fd);
    return err;
  }
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    if (!S_ISREG(st.st_mode))
      return troupe::error{errc::invalid_config, "token file " + token_file
                                                   + " is not a regular file"};
    if (st.st_uid != ::geteuid())
      return troupe::error{errc::invalid_config,
                           "token file " + token_file + " belongs to another user"};
    return troupe::error{errc::invalid_config,
                         "token file " + token_file + " is accessible by other users (mode "
                           + mode + "); run: chmod 600 " + token_file};
  }
  std::string text;
  char buf[512];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      auto err = sys_error(token_file, "cannot read");
      ::close(fd);
      return err;
    }
    if (n == 0)
      break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > 4096)
      break;
  }
  ::close(fd);
  text = trim(std::move(text));
  if (text.empty())
    return troupe::error{errc::invalid_config, "token file " + token_file + " is empty"};
  return text;
}

} // namespace troupe::nodes
