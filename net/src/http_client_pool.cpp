#include "troupe/net/http_client_pool.hpp"

#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "client_engine.hpp"

namespace troupe::net {

namespace asio = boost::asio;

http_client_options
http_client_options::from(const config::network_settings& net,
                          std::string host, std::uint16_t port) {
  http_client_options opts;
  opts.host = std::move(host);
  opts.port = port;
  opts.pool_size = net.pool_size;
  opts.max_in_flight = net.max_in_flight;
  opts.timeout = net.timeout;
  return opts;
}

struct http_client_pool::impl {
  explicit impl(http_client_options options)
    : opts(std::move(options)), guard(asio::make_work_guard(io)) {
    boost::system::error_code ec;
    asio::ip::tcp::resolver resolver{io};
    auto endpoints = resolver.resolve(opts.host, std::to_string(opts.port),
                                      ec);
    if (ec)
      resolve_error = "resolve " + opts.host + ": " + ec.message();
    engine.emplace(io, opts, std::move(endpoints), counters);
    thread = std::thread{[this] { io.run(); }};
  }

  http_client_options opts;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard;
  detail::client_counters counters;
  std::optional<detail::client_engine> engine;
  std::string resolve_error;
  std::thread thread;
  /// Orders submissions before the stop: nothing is posted after it.
  std::mutex submit_mutex;
  bool closed = false;
};

http_client_pool::http_client_pool(http_client_options opts)
  : impl_(std::make_unique<impl>(std::move(opts))) {
}

http_client_pool::~http_client_pool() {
  shutdown();
}

std::vector<http_result>
http_client_pool::fetch_all(const std::vector<std::string>& paths) {
  auto batch = std::make_shared<detail::client_batch>();
  batch->results.resize(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i)
    batch->results[i].path = paths[i];
  impl_->counters.requests.fetch_add(paths.size(), std::memory_order_relaxed);
  auto fail_all = [&](fetch_error err, const std::string& reason) {
    for (auto& r : batch->results) {
      r.error = err;
      r.reason = reason;
    }
    impl_->counters.failures.fetch_add(paths.size(),
                                       std::memory_order_relaxed);
    return std::move(batch->results);
  };
  if (paths.empty())
    return {};
  if (!impl_->resolve_error.empty())
    return fail_all(fetch_error::resolve_failed, impl_->resolve_error);
  batch->remaining = paths.size();
  batch->submitted = std::chrono::steady_clock::now();
  auto done = batch->done.get_future();
  {
    std::lock_guard<std::mutex> lock{impl_->submit_mutex};
    if (impl_->closed)
      return fail_all(fetch_error::cancelled, "pool shut down");
    asio::post(impl_->io, [this, batch] { impl_->engine->submit(batch); });
  }
  done.wait();
  return std::move(batch->results);
}

http_result http_client_pool::fetch(const std::string& path) {
  auto results = fetch_all({path});
  return std::move(results.front());
}

void http_client_pool::shutdown() {
  {
    std::lock_guard<std::mutex> lock{impl_->submit_mutex};
    if (impl_->closed)
      return;
    impl_->closed = true;
    asio::post(impl_->io, [this] { impl_->engine->stop(); });
  }
  impl_->guard.reset();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

http_client_stats http_client_pool::stats() const {
  auto& c = impl_->counters;
  http_client_stats s;
  s.requests = c.requests.load(std::memory_order_relaxed);
  s.attempts = c.attempts.load(std::memory_order_relaxed);
  s.retries = c.retries.load(std::memory_order_relaxed);
  s.failures = c.failures.load(std::memory_order_relaxed);
  s.connections_opened = c.opened.load(std::memory_order_relaxed);
  s.connections_reused = c.reused.load(std::memory_order_relaxed);
  return s;
}

const http_client_options& http_client_pool::options() const noexcept {
  return impl_->opts;
}

} // namespace troupe::net
