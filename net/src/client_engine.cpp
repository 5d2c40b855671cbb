#include "client_engine.hpp"

#include <algorithm>
#include <cerrno>
#include <optional>

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace troupe::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using error_code = boost::system::error_code;

/// One TCP connection and the buffers of the exchange running on it.
struct client_connection {
  explicit client_connection(asio::io_context& io) : stream(io) {
  }
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::request<http::empty_body> request;
  /// One parser per response (a parser reads one message only).
  std::optional<http::response_parser<http::string_body>> parser;
};

namespace {

fetch_error classify(const error_code& ec) {
  if (ec == beast::error::timeout)
    return fetch_error::timeout;
  if (ec == asio::error::operation_aborted)
    return fetch_error::cancelled;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message
      || ec == asio::error::eof || ec == asio::error::connection_reset
      || ec == asio::error::broken_pipe
      || ec == asio::error::connection_aborted)
    return fetch_error::connection_closed;
  if (ec.category() == make_error_code(http::error::bad_target).category())
    return fetch_error::protocol_error;
  return fetch_error::connection_closed;
}

} // namespace

client_engine::outcome client_engine::failure(const char* stage,
                                              const error_code& ec) const {
  outcome out;
  out.error = classify(ec);
  if (out.error == fetch_error::timeout)
    out.reason = std::string{stage} + ": no answer within "
                 + std::to_string(opts_.timeout.count()) + " ms";
  else
    out.reason = std::string{stage} + ": " + ec.message();
  return out;
}

client_engine::client_engine(asio::io_context& io,
                             const http_client_options& opts,
                             asio::ip::tcp::resolver::results_type endpoints,
                             client_counters& counters)
  : io_(io),
    opts_(opts),
    endpoints_(std::move(endpoints)),
    counters_(counters),
    host_header_(opts.host + ":" + std::to_string(opts.port)),
    rng_(opts.seed) {
}

std::uint32_t client_engine::concurrency() const {
  if (!opts_.pooled)
    return 1;
  return std::max(1u, std::min(opts_.pool_size, opts_.max_in_flight));
}

void client_engine::submit(std::shared_ptr<client_batch> batch) {
  for (std::size_t i = 0; i < batch->results.size(); ++i) {
    if (stopping_)
      complete({batch, i}, {fetch_error::cancelled, "pool shut down", 0, {}});
    else
      pending_.push_back({batch, i});
  }
  pump();
}

void client_engine::pump() {
  while (!stopping_ && !pending_.empty() && in_flight_ < concurrency()) {
    connection_ptr conn = take_idle();
    if (!conn && open_.size() >= concurrency())
      break; // every connection is busy
    auto req = std::move(pending_.front());
    pending_.pop_front();
    start_attempt(std::move(req), std::move(conn));
  }
}

client_engine::connection_ptr client_engine::take_idle() {
  while (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    // A peer that closed an idle keep-alive connection (its idle timeout)
    // makes it readable with EOF: drop it rather than spend an attempt.
    // Unread bytes on an idle connection are as wrong as EOF.
    char byte;
    auto n = ::recv(conn->stream.socket().native_handle(), &byte, 1,
                    MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return conn;
    close(conn);
  }
  return nullptr;
}

void client_engine::start_attempt(client_request req, connection_ptr conn) {
  ++in_flight_;
  ++req.batch->results[req.index].attempts;
  counters_.attempts.fetch_add(1, std::memory_order_relaxed);
  if (conn) {
    counters_.reused.fetch_add(1, std::memory_order_relaxed);
    conn->stream.expires_after(opts_.timeout);
    send(std::move(req), std::move(conn));
    return;
  }
  conn = std::make_shared<client_connection>(io_);
  open_.insert(conn);
  counters_.opened.fetch_add(1, std::memory_order_relaxed);
  conn->stream.expires_after(opts_.timeout);
  conn->stream.async_connect(
    endpoints_, [this, req, conn](const error_code& ec, const auto&) mutable {
      if (!ec) {
        send(std::move(req), std::move(conn));
        return;
      }
      auto out = failure("connect", ec);
      if (out.error != fetch_error::timeout
          && out.error != fetch_error::cancelled)
        out.error = fetch_error::connect_failed;
      finish_attempt(std::move(req), std::move(conn), std::move(out), false);
    });
}

void client_engine::send(client_request req, connection_ptr conn) {
  auto& path = req.batch->results[req.index].path;
  conn->request = {http::verb::get, path, 11};
  conn->request.set(http::field::host, host_header_);
  conn->request.set(http::field::user_agent, "troupe-net/0.1");
  conn->request.set(http::field::accept, "application/json");
  conn->request.keep_alive(opts_.pooled);
  http::async_write(
    conn->stream, conn->request,
    [this, req, conn](const error_code& ec, std::size_t) mutable {
      if (ec) {
        finish_attempt(std::move(req), std::move(conn), failure("write", ec),
                       false);
        return;
      }
      receive(std::move(req), std::move(conn));
    });
}

void client_engine::receive(client_request req, connection_ptr conn) {
  conn->parser.emplace();
  conn->parser->body_limit(opts_.max_body_bytes);
  // The header first, so an oversized body is refused before it is read
  // (Beast 1.74 misses the limit when header and body arrive together).
  http::async_read_header(
    conn->stream, conn->buffer, *conn->parser,
    [this, req, conn](const error_code& ec, std::size_t) mutable {
      if (ec) {
        finish_attempt(std::move(req), std::move(conn), failure("read", ec),
                       false);
        return;
      }
      auto length = conn->parser->content_length();
      if (length && *length > opts_.max_body_bytes) {
        outcome out;
        out.error = fetch_error::protocol_error;
        out.reason = "read: body of " + std::to_string(*length)
                     + " bytes exceeds the limit of "
                     + std::to_string(opts_.max_body_bytes);
        finish_attempt(std::move(req), std::move(conn), std::move(out),
                       false);
        return;
      }
      http::async_read(
        conn->stream, conn->buffer, *conn->parser,
        [this, req, conn](const error_code& ec, std::size_t) mutable {
          if (ec) {
            finish_attempt(std::move(req), std::move(conn),
                           failure("read", ec), false);
            return;
          }
          auto& response = conn->parser->get();
          outcome out;
          out.status = response.result_int();
          out.body = std::move(response.body());
          if (out.status >= 500) {
            out.error = fetch_error::server_error;
            out.reason = "HTTP " + std::to_string(out.status) + " "
                         + std::string(response.reason());
          }
          bool keep = opts_.pooled && response.keep_alive();
          finish_attempt(std::move(req), std::move(conn), std::move(out),
                         keep);
        });
    });
}

void client_engine::finish_attempt(client_request req, connection_ptr conn,
                                   outcome out, bool keep_connection) {
  --in_flight_;
  if (keep_connection && !stopping_) {
    conn->stream.expires_never();
    idle_.push_back(std::move(conn));
  } else {
    close(conn);
  }
  if (stopping_ && out.error != fetch_error::none) // an answer is kept
    out = {fetch_error::cancelled, "pool shut down", out.status, {}};
  auto attempts = req.batch->results[req.index].attempts;
  if (!stopping_ && is_retryable(out.error) && attempts <= opts_.max_retries)
    retry_later(std::move(req));
  else
    complete(req, std::move(out));
  pump();
}

std::chrono::milliseconds client_engine::backoff(std::uint32_t attempt) {
  auto base = opts_.backoff_base.count();
  auto cap = opts_.backoff_max.count();
  auto shift = std::min<std::uint32_t>(attempt - 1, 20);
  auto full = std::min<std::int64_t>(cap, base << shift);
  std::uniform_real_distribution<double> jitter{0.5, 1.0};
  return std::chrono::milliseconds(
    static_cast<std::int64_t>(static_cast<double>(full) * jitter(rng_)));
}

void client_engine::retry_later(client_request req) {
  counters_.retries.fetch_add(1, std::memory_order_relaxed);
  auto attempts = req.batch->results[req.index].attempts;
  auto timer = std::make_shared<asio::steady_timer>(io_, backoff(attempts));
  timers_.insert(timer);
  timer->async_wait([this, req, timer](const error_code&) mutable {
    timers_.erase(timer);
    if (stopping_) {
      complete(req, {fetch_error::cancelled, "pool shut down", 0, {}});
      return;
    }
    pending_.push_front(std::move(req)); // retries go first
    pump();
  });
}

void client_engine::complete(const client_request& req, outcome out) {
  auto& batch = *req.batch;
  auto& result = batch.results[req.index];
  result.status = out.status;
  result.body = std::move(out.body);
  result.error = out.error;
  result.reason = std::move(out.reason);
  result.latency = std::chrono::duration_cast<std::chrono::microseconds>(
    std::chrono::steady_clock::now() - batch.submitted);
  if (!result.ok())
    counters_.failures.fetch_add(1, std::memory_order_relaxed);
  if (--batch.remaining == 0)
    batch.done.set_value();
}

void client_engine::close(const connection_ptr& conn) {
  error_code ignored;
  conn->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                 ignored);
  conn->stream.socket().close(ignored);
  open_.erase(conn);
}

void client_engine::stop() {
  stopping_ = true;
  while (!pending_.empty()) {
    auto req = std::move(pending_.front());
    pending_.pop_front();
    complete(req, {fetch_error::cancelled, "pool shut down", 0, {}});
  }
  for (auto& timer : timers_)
    timer->cancel(); // their handlers complete the waiting requests
  idle_.clear();
  auto open = open_; // close() edits open_
  for (auto& conn : open) {
    error_code ignored;
    conn->stream.socket().close(ignored); // in-flight handlers then fail
  }
}

} // namespace troupe::net::detail
