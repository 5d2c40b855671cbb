// Fuzzing the HTTP client's response handling: a server on 127.0.0.1 answers
// every request with the input's bytes and closes; the pooled client (the
// one deps_lookup uses) must end every request with a result, never crash,
// hang past its timeout or accept a body over its limit.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_input.hpp"
#include "troupe/net/http_client_pool.hpp"

namespace {

using troupe::fuzz::expect;

constexpr std::uint64_t body_limit = 1u << 16;

/// A one-thread server: reads a request head, writes the current answer,
/// closes.
class answering_server {
public:
  answering_server() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    expect(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "bind");
    expect(::listen(fd_, 16) == 0, "listen");
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    std::thread{[this] { serve(); }}.detach();
  }

  std::uint16_t port() const {
    return port_;
  }

  void answer_with(std::string_view bytes) {
    std::lock_guard<std::mutex> lock{mtx_};
    answer_.assign(bytes.data(), bytes.size());
  }

private:
  void serve() {
    for (;;) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0)
        continue;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        auto n = ::read(c, buf, sizeof buf);
        if (n <= 0)
          break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      std::string answer;
      {
        std::lock_guard<std::mutex> lock{mtx_};
        answer = answer_;
      }
      std::size_t done = 0;
      while (done < answer.size()) {
        auto n = ::send(c, answer.data() + done, answer.size() - done, MSG_NOSIGNAL);
        if (n <= 0)
          break;
        done += static_cast<std::size_t>(n);
      }
      ::shutdown(c, SHUT_RDWR);
      ::close(c);
    }
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::mutex mtx_;
  std::string answer_;
};

struct fixture {
  answering_server server;
  troupe::net::http_client_pool pool;

  static troupe::net::http_client_options options(std::uint16_t port) {
    troupe::net::http_client_options o;
    o.host = "127.0.0.1";
    o.port = port;
    o.pooled = false; // one connection per request: the server closes it
    o.max_retries = 0;
    o.timeout = std::chrono::milliseconds(300);
    o.max_body_bytes = body_limit;
    return o;
  }

  fixture() : pool(options(server.port())) {
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fixture f;
  f.server.answer_with(troupe::fuzz::bytes(data, size));
  auto results = f.pool.fetch_all({"/pypi/fuzz/json"});
  expect(results.size() == 1, "one result per path");
  const auto& r = results[0];
  if (r.ok())
    expect(r.body.size() <= body_limit, "no body over the limit is accepted");
  else
    expect(!r.reason.empty(), "a failed request says why");
  return 0;
}
