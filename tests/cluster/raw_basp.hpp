// File: a BASP client that skips troupe's join: what any local process can
// do to a node's port (connect, read the server handshake, claim a node id,
// send messages to actors by id). For the tests that check that no exposed
// actor processes such messages.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/basp/header.hpp>
#include <caf/io/basp/message_type.hpp>

namespace troupe::test {

/// One frame read from the node.
struct basp_frame {
  caf::io::basp::header header;
  std::vector<char> payload;
};

class raw_basp {
public:
  raw_basp(caf::actor_system& sys, std::uint16_t port) : sys_(sys) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("raw_basp: cannot connect");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }

  ~raw_basp() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  raw_basp(const raw_basp&) = delete;
  raw_basp& operator=(const raw_basp&) = delete;

  /// Reads the server handshake; returns the published actor's id.
  caf::actor_id read_server_handshake() {
    auto f = read_frame(std::chrono::seconds(5));
    if (!f || f->header.operation != caf::io::basp::message_type::server_handshake)
      throw std::runtime_error("raw_basp: no server handshake");
    caf::binary_deserializer source{sys_, f->payload};
    std::vector<std::string> app_ids;
    caf::actor_id aid = 0;
    std::set<std::string> sigs;
    if (source(server_node_, app_ids, aid, sigs))
      throw std::runtime_error("raw_basp: bad server handshake");
    return aid;
  }

  /// The node id the server declared.
  const caf::node_id& server_node() const noexcept {
    return server_node_;
  }

  /// Declares `claimed` as this connection's node id (flags: BASP's, e.g.
  /// 0x02 to ask that the node route `claimed`'s messages here).
  void client_handshake(const caf::node_id& claimed, std::uint8_t flags = 0) {
    std::vector<char> payload;
    caf::binary_serializer sink{sys_, payload};
    if (sink(claimed))
      throw std::runtime_error("raw_basp: cannot serialise a node id");
    write(caf::io::basp::header{caf::io::basp::message_type::client_handshake, flags,
                                static_cast<std::uint32_t>(payload.size()), 0, 0, 0},
          payload);
  }

  /// Sends `msg` to actor `dest` from actor `source` (0: anonymous); a
  /// request when `request_id` is not 0.
  void send(caf::actor_id dest, caf::actor_id source, std::uint64_t request_id,
            const caf::message& msg) {
    std::vector<char> payload;
    caf::binary_serializer sink{sys_, payload};
    std::vector<caf::strong_actor_ptr> stages;
    if (sink(stages, msg))
      throw std::runtime_error("raw_basp: cannot serialise the message");
    auto mid = request_id ? caf::make_message_id(request_id).integer_value()
                          : caf::make_message_id().integer_value();
    write(caf::io::basp::header{caf::io::basp::message_type::direct_message, 0,
                                static_cast<std::uint32_t>(payload.size()), mid, source, dest},
          payload);
  }

  /// Frames that arrive within `window` (heartbeats included); stops early
  /// when the node closes the connection (then `closed()`).
  std::vector<basp_frame> read_for(std::chrono::milliseconds window) {
    std::vector<basp_frame> out;
    auto end = std::chrono::steady_clock::now() + window;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
      if (left.count() <= 0 || closed_)
        return out;
      auto f = read_frame(left);
      if (!f)
        return out;
      out.push_back(std::move(*f));
    }
  }

  bool closed() const noexcept {
    return closed_;
  }

private:
  void write(const caf::io::basp::header& hdr, const std::vector<char>& payload) {
    std::vector<char> buf;
    caf::binary_serializer sink{sys_, buf};
    auto h = hdr;
    if (sink(h))
      throw std::runtime_error("raw_basp: cannot serialise a header");
    buf.insert(buf.end(), payload.begin(), payload.end());
    std::size_t done = 0;
    while (done < buf.size()) {
      auto n = ::send(fd_, buf.data() + done, buf.size() - done, MSG_NOSIGNAL);
      if (n <= 0)
        throw std::runtime_error("raw_basp: the node closed the connection");
      done += static_cast<std::size_t>(n);
    }
  }

  /// Reads exactly n bytes, waiting at most until `end`; false on timeout or close.
  bool read_exactly(char* out, std::size_t n, std::chrono::steady_clock::time_point end) {
    std::size_t done = 0;
    while (done < n) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    end - std::chrono::steady_clock::now())
                    .count();
      if (left <= 0)
        return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0)
        return false;
      auto r = ::recv(fd_, out + done, n - done, 0);
      if (r <= 0) {
        closed_ = true;
        return false;
      }
      done += static_cast<std::size_t>(r);
    }
    return true;
  }

  std::optional<basp_frame> read_frame(std::chrono::milliseconds limit) {
    auto end = std::chrono::steady_clock::now() + limit;
    std::vector<char> raw(caf::io::basp::header_size);
    if (!read_exactly(raw.data(), raw.size(), end))
      return std::nullopt;
    basp_frame f;
    caf::binary_deserializer source{sys_, raw};
    if (source(f.header))
      throw std::runtime_error("raw_basp: bad header");
    f.payload.resize(f.header.payload_len);
    if (f.header.payload_len > 0
        && !read_exactly(f.payload.data(), f.payload.size(),
                         std::chrono::steady_clock::now() + std::chrono::seconds(5)))
      return std::nullopt;
    return f;
  }

  caf::actor_system& sys_;
  int fd_ = -1;
  bool closed_ = false;
  caf::node_id server_node_;
};

} // namespace troupe::test
