// File: one client connection of an index_server (keep-alive loop).
#pragma once

#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server_core.hpp"

namespace troupe::net::detail {

/// Reads requests one after another, delays each answer on a timer and
/// writes it (or a fault). Lives while an operation of it is pending.
class index_session : public std::enable_shared_from_this<index_session> {
public:
  index_session(boost::asio::ip::tcp::socket socket, server_core& core);

  /// Registers with the server and reads the first request.
  void run();

  /// Closes the socket and cancels the pending delay (server stop).
  void close();

private:
  void read_request();
  void on_request();
  void respond(index_fault fault);
  void write_cut();
  void finish(bool keep_alive);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::empty_body> request_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::string raw_; // the truncated bytes of a `cut` response
  boost::asio::steady_timer delay_;
  server_core& core_;
};

} // namespace troupe::net::detail
