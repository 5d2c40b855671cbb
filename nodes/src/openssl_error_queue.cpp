// Every TLS read, write and handshake step starts with an empty OpenSSL
// error queue.
//
// Why: OpenSSL's SSL_get_error() reads the calling thread's error queue, so
// the queue must be empty before each TLS I/O call. CAF 0.17's OpenSSL
// module never empties it (the call that would, get_ssl_error(), sits in a
// log statement that Debian's build compiles out), and all connections
// share the middleman's thread. One client that fails the handshake (a plain
// TCP client, an anonymous-TLS client, a certificate of another CA) left its
// errors in the queue, and the next read on any other connection, which
// only had no data yet, was taken for a failure: CAF closed a healthy
// member's connection (measured: every refused client cut the joined peers
// off). Fixed here by interposition: these definitions in the executable
// come before libssl's for libcaf_openssl, clear the queue, and call
// libssl's own.
#include <cstdio>
#include <cstdlib>

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace troupe::nodes::detail {

namespace {

template <class F>
F next_definition(const char* name) {
  auto* f = reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
  if (!f) {
    std::fprintf(stderr, "troupe: fatal: cannot find OpenSSL's %s\n", name);
    std::abort();
  }
  return f;
}

} // namespace

/// Referenced by enable_network so that this file is always linked with it.
bool openssl_error_queue_guard() noexcept {
  return true;
}

} // namespace troupe::nodes::detail

using troupe::nodes::detail::next_definition;

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static auto real = next_definition<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static auto real = next_definition<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_accept(SSL* ssl) {
  static auto real = next_definition<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return real(ssl);
}

int SSL_connect(SSL* ssl) {
  static auto real = next_definition<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return real(ssl);
}

} // extern "C"
