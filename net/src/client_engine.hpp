// File: the state machine behind http_client_pool; lives on its I/O thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "troupe/net/http_client_pool.hpp"

namespace troupe::net::detail {

/// Paths submitted by one `fetch_all` call and their results so far.
struct client_batch {
  std::vector<http_result> results;
  std::chrono::steady_clock::time_point submitted;
  std::size_t remaining = 0;
  std::promise<void> done;
};

/// One request of a batch: the batch and the index of its path.
struct client_request {
  std::shared_ptr<client_batch> batch;
  std::size_t index = 0;
};

struct client_connection;

/// The counters, written on the I/O thread and read from any thread.
struct client_counters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> attempts{0};
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::uint64_t> reused{0};
};

/// Queues requests, hands them to idle or new connections within the
/// bounds, retries with backoff and completes batches. Every member
/// function runs on the I/O thread only, so nothing here is locked.
class client_engine {
public:
  client_engine(boost::asio::io_context& io, const http_client_options& opts,
                boost::asio::ip::tcp::resolver::results_type endpoints,
                client_counters& counters);

  /// Queues every path of `batch`.
  void submit(std::shared_ptr<client_batch> batch);

  /// Cancels everything queued, waiting or in flight; closes connections.
  void stop();

private:
  using connection_ptr = std::shared_ptr<client_connection>;

  struct outcome {
    fetch_error error = fetch_error::none;
    std::string reason;
    unsigned status = 0;
    std::string body;
  };

  /// The outcome of a failed connect, write or read.
  outcome failure(const char* stage, const boost::system::error_code& ec) const;
  void pump();
  connection_ptr take_idle();
  void start_attempt(client_request req, connection_ptr conn);
  void send(client_request req, connection_ptr conn);
  void receive(client_request req, connection_ptr conn);
  void finish_attempt(client_request req, connection_ptr conn, outcome out,
                      bool keep_connection);
  void retry_later(client_request req);
  void complete(const client_request& req, outcome out);
  void close(const connection_ptr& conn);
  std::chrono::milliseconds backoff(std::uint32_t attempt);
  std::uint32_t concurrency() const;

  boost::asio::io_context& io_;
  const http_client_options& opts_;
  boost::asio::ip::tcp::resolver::results_type endpoints_;
  client_counters& counters_;
  std::string host_header_;
  std::deque<client_request> pending_;
  std::vector<connection_ptr> idle_;
  std::unordered_set<connection_ptr> open_;
  std::unordered_set<std::shared_ptr<boost::asio::steady_timer>> timers_;
  std::uint32_t in_flight_ = 0;
  bool stopping_ = false;
  std::mt19937_64 rng_;
};

} // namespace troupe::net::detail
