#include "troupe/net/index_server.hpp"

#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/post.hpp>

#include "index_session.hpp"
#include "server_core.hpp"

namespace troupe::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

struct index_server::impl {
  explicit impl(index_server_options opts) : core(std::move(opts)) {
  }

  void accept() {
    acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec || core.stopping)
        return;
      std::make_shared<detail::index_session>(std::move(socket), core)->run();
      accept();
    });
  }

  void close_all() {
    core.stopping = true;
    error_code ignored;
    acceptor.close(ignored);
    auto sessions = core.sessions; // close() may edit the map
    for (auto& [ptr, weak] : sessions)
      if (auto session = weak.lock())
        session->close();
  }

  // The core outlives the I/O context: sessions destroyed with pending
  // handlers still refer to it.
  detail::server_core core;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
    guard;
  std::thread thread;
  std::mutex state_mutex;
  bool started = false;
  bool stopped = false;
  std::atomic<std::uint16_t> port{0};
};

index_server::index_server(index_server_options opts)
  : impl_(std::make_unique<impl>(std::move(opts))) {
}

index_server::~index_server() {
  stop();
}

std::optional<std::string> index_server::start() {
  std::lock_guard<std::mutex> lock{impl_->state_mutex};
  if (impl_->started || impl_->stopped)
    return std::string{"index server already started"};
  auto& core = impl_->core;
  if (auto err = core.index.load(core.opts.data_file))
    return err;
  tcp::endpoint endpoint{asio::ip::address_v4::loopback(), core.opts.port};
  error_code ec;
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec)
      || acceptor.set_option(tcp::acceptor::reuse_address(true), ec)
      || acceptor.bind(endpoint, ec)
      || acceptor.listen(asio::socket_base::max_listen_connections, ec))
    return "index server on 127.0.0.1:" + std::to_string(core.opts.port)
           + ": " + ec.message();
  impl_->port = acceptor.local_endpoint(ec).port();
  impl_->started = true;
  impl_->guard.emplace(asio::make_work_guard(impl_->io));
  impl_->accept();
  impl_->thread = std::thread{[this] { impl_->io.run(); }};
  return std::nullopt;
}

void index_server::stop() {
  std::lock_guard<std::mutex> lock{impl_->state_mutex};
  if (impl_->stopped)
    return;
  impl_->stopped = true;
  if (!impl_->started)
    return;
  asio::post(impl_->io, [this] { impl_->close_all(); });
  impl_->guard.reset();
  impl_->thread.join();
}

std::uint16_t index_server::port() const noexcept {
  return impl_->port.load();
}

std::size_t index_server::package_count() const noexcept {
  return impl_->core.index.size();
}

index_server_stats index_server::stats() const {
  auto& c = impl_->core.counters;
  index_server_stats s;
  s.connections = c.connections.load(std::memory_order_relaxed);
  s.requests = c.requests.load(std::memory_order_relaxed);
  s.found = c.found.load(std::memory_order_relaxed);
  s.not_found = c.not_found.load(std::memory_order_relaxed);
  s.injected_errors = c.injected_errors.load(std::memory_order_relaxed);
  s.injected_slow = c.injected_slow.load(std::memory_order_relaxed);
  s.injected_cuts = c.injected_cuts.load(std::memory_order_relaxed);
  return s;
}

} // namespace troupe::net
