#include "index_session.hpp"

#include <sstream>
#include <string_view>

#include <boost/asio/write.hpp>

namespace troupe::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using error_code = boost::system::error_code;

namespace {

constexpr std::string_view prefix = "/pypi/";
constexpr std::string_view suffix = "/json";
constexpr auto write_timeout = std::chrono::seconds(30);

/// NAME of "/pypi/NAME/json" (a trailing slash allowed), or empty.
std::string package_of(std::string_view target) {
  if (auto q = target.find('?'); q != std::string_view::npos)
    target = target.substr(0, q);
  if (!target.empty() && target.back() == '/')
    target.remove_suffix(1);
  if (target.size() <= prefix.size() + suffix.size()
      || target.substr(0, prefix.size()) != prefix
      || target.substr(target.size() - suffix.size()) != suffix)
    return {};
  auto name = target.substr(prefix.size(),
                            target.size() - prefix.size() - suffix.size());
  if (name.find('/') != std::string_view::npos)
    return {};
  return std::string{name};
}

} // namespace

index_session::index_session(asio::ip::tcp::socket socket, server_core& core)
  : stream_(std::move(socket)), delay_(stream_.get_executor()), core_(core) {
}

void index_session::run() {
  core_.sessions[this] = weak_from_this();
  core_.counters.connections.fetch_add(1, std::memory_order_relaxed);
  read_request();
}

void index_session::close() {
  delay_.cancel();
  error_code ignored;
  stream_.socket().close(ignored);
}

void index_session::read_request() {
  request_ = {};
  stream_.expires_after(core_.opts.idle_timeout);
  http::async_read(stream_, buffer_, request_,
                   [self = shared_from_this()](const error_code& ec,
                                               std::size_t) {
                     if (ec || self->core_.stopping) {
                       self->finish(false);
                       return;
                     }
                     self->on_request();
                   });
}

void index_session::on_request() {
  stream_.expires_never();
  auto& counters = core_.counters;
  counters.requests.fetch_add(1, std::memory_order_relaxed);
  response_ = {};
  response_.version(request_.version());
  response_.keep_alive(request_.keep_alive());
  response_.set(http::field::server, "troupe-index/0.1");
  response_.set(http::field::content_type, "application/json");
  auto target = request_.target();
  auto name = package_of({target.data(), target.size()});
  index_fault fault = index_fault::none;
  if (request_.method() != http::verb::get) {
    response_.result(http::status::method_not_allowed);
    response_.body() = R"({"message": "Method Not Allowed"})";
  } else if (name.empty()) {
    response_.result(http::status::not_found);
    response_.body() = R"({"message": "Not Found"})";
  } else {
    fault = core_.next_fault(name);
    if (fault == index_fault::server_error) {
      counters.injected_errors.fetch_add(1, std::memory_order_relaxed);
      response_.result(http::status::service_unavailable);
      response_.body() = R"({"message": "injected fault"})";
    } else if (auto* body = core_.index.find(name)) {
      counters.found.fetch_add(1, std::memory_order_relaxed);
      response_.result(http::status::ok);
      response_.body() = *body;
    } else {
      counters.not_found.fetch_add(1, std::memory_order_relaxed);
      response_.result(http::status::not_found);
      response_.body() = R"({"message": "Not Found"})";
    }
  }
  response_.prepare_payload();
  if (fault == index_fault::slow)
    counters.injected_slow.fetch_add(1, std::memory_order_relaxed);
  if (fault == index_fault::cut)
    counters.injected_cuts.fetch_add(1, std::memory_order_relaxed);
  auto delay = fault == index_fault::slow ? core_.opts.slow_delay
                                          : core_.opts.latency;
  delay_.expires_after(delay);
  delay_.async_wait([self = shared_from_this(), fault](const error_code& ec) {
    if (ec || self->core_.stopping) {
      self->finish(false);
      return;
    }
    self->respond(fault);
  });
}

void index_session::respond(index_fault fault) {
  stream_.expires_after(write_timeout);
  if (fault == index_fault::cut) {
    write_cut();
    return;
  }
  http::async_write(stream_, response_,
                    [self = shared_from_this()](const error_code& ec,
                                                std::size_t) {
                      self->finish(!ec && self->response_.keep_alive());
                    });
}

void index_session::write_cut() {
  std::ostringstream out;
  out << response_;
  raw_ = out.str();
  auto header_end = raw_.find("\r\n\r\n") + 4;
  raw_.resize(header_end + response_.body().size() / 2);
  asio::async_write(stream_, asio::buffer(raw_),
                    [self = shared_from_this()](const error_code&,
                                                std::size_t) {
                      self->finish(false);
                    });
}

void index_session::finish(bool keep_alive) {
  if (keep_alive && !core_.stopping) {
    read_request();
    return;
  }
  error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  core_.sessions.erase(this);
}

} // namespace troupe::net::detail
