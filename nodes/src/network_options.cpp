// Loading CAF's distribution layer into a runtime's actor system, and the
// checks of the TLS files before CAF sees them (CAF's OpenSSL module raises
// an error on the network thread, per connection, when it cannot load them).
#include "troupe/nodes/network_options.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <caf/actor_system_config.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "troupe/nodes/internal/messages.hpp"
#include "troupe/runtime/internal/system_setup.hpp"

namespace troupe::nodes {

namespace detail {
bool openssl_error_queue_guard() noexcept; // openssl_error_queue.cpp
} // namespace detail

namespace {

/// The node protocol's message types (the runtime loads the middleman and
/// the OpenSSL module itself, from runtime_options::network).
class node_protocol final : public troupe::detail::system_setup {
public:
  void configure(caf::actor_system_config& cfg) const override {
    detail::add_node_message_types(cfg);
  }
};

std::string ssl_errors() {
  std::string out;
  while (auto code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty())
      out += "; ";
    out += buf;
  }
  return out.empty() ? "no detail" : out;
}

/// Refuses to ask for a pass phrase (OpenSSL would read one from the
/// terminal): an encrypted key is an error.
int no_pass_phrase(char*, int, int, void*) {
  return 0;
}

error bad(const std::string& what, const std::string& path, const std::string& why) {
  return {errc::invalid_config, what + " " + path + ": " + why};
}

error check_readable(const std::string& what, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return {errc::invalid_config, errno, what + " " + path + ": " + std::strerror(errno)};
  std::fclose(f);
  return {};
}

error check_tls(const tls_files& tls) {
  const std::string ca_what = "TLS CA file (--tls-ca)";
  const std::string cert_what = "TLS certificate (--tls-cert)";
  const std::string key_what = "TLS private key (--tls-key)";
  if (tls.ca.empty() || tls.certificate.empty() || tls.key.empty()) {
    std::string missing;
    for (auto [set, name] : {std::pair{!tls.ca.empty(), "--tls-ca"},
                             std::pair{!tls.certificate.empty(), "--tls-cert"},
                             std::pair{!tls.key.empty(), "--tls-key"}})
      if (!set)
        missing += std::string{missing.empty() ? "" : ", "} + name;
    return {errc::invalid_config, "mutual TLS needs a CA file, a certificate and a key; missing: "
                                    + missing};
  }
  for (auto [what, path] : {std::pair{ca_what, tls.ca}, std::pair{cert_what, tls.certificate},
                            std::pair{key_what, tls.key}})
    if (auto err = check_readable(what, path))
      return err;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_method()), SSL_CTX_free};
  if (!ctx)
    return {errc::invalid_config, "cannot create a TLS context: " + ssl_errors()};
  SSL_CTX_set_default_passwd_cb(ctx.get(), no_pass_phrase);
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.certificate.c_str()) != 1)
    return bad(cert_what, tls.certificate, "not a PEM certificate (" + ssl_errors() + ")");
  std::unique_ptr<BIO, decltype(&BIO_free)> key_file{BIO_new_file(tls.key.c_str(), "r"),
                                                     BIO_free};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{
    key_file ? PEM_read_bio_PrivateKey(key_file.get(), nullptr, no_pass_phrase, nullptr)
             : nullptr,
    EVP_PKEY_free};
  if (!key)
    return bad(key_what, tls.key,
               "not a PEM private key, or encrypted (pass phrases are not supported) ("
                 + ssl_errors() + ")");
  ERR_clear_error();
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1
      || SSL_CTX_check_private_key(ctx.get()) != 1)
    return bad(key_what, tls.key, "is not the key of the certificate " + tls.certificate);
  if (SSL_CTX_load_verify_locations(ctx.get(), tls.ca.c_str(), nullptr) != 1)
    return bad(ca_what, tls.ca, "holds no PEM CA certificate (" + ssl_errors() + ")");
  auto* cert = SSL_CTX_get0_certificate(ctx.get());
  STACK_OF(X509)* chain = nullptr;
  SSL_CTX_get0_chain_certs(ctx.get(), &chain);
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> check{X509_STORE_CTX_new(),
                                                                         X509_STORE_CTX_free};
  if (!check || X509_STORE_CTX_init(check.get(), SSL_CTX_get_cert_store(ctx.get()), cert, chain)
                  != 1)
    return {errc::invalid_config, "cannot check the certificate: " + ssl_errors()};
  if (X509_verify_cert(check.get()) != 1)
    return bad(cert_what, tls.certificate,
               std::string{"is not signed by the CA in "} + tls.ca + " ("
                 + X509_verify_cert_error_string(X509_STORE_CTX_get_error(check.get())) + ")");
  return {};
}

} // namespace

error enable_network(runtime_options& ro, const network_options& net) {
  using namespace std::chrono_literals;
  if (net.heartbeat_interval <= 0ms)
    return {errc::invalid_config, "the heartbeat interval must be positive"};
  if (net.connection_timeout < 4 * net.heartbeat_interval)
    return {errc::invalid_config,
            "the connection timeout (" + std::to_string(net.connection_timeout.count())
              + " ms) must be at least four heartbeat intervals ("
              + std::to_string(4 * net.heartbeat_interval.count()) + " ms)"};
  if (net.tls.enabled()) {
    if (auto err = check_tls(net.tls))
      return err;
    if (!detail::openssl_error_queue_guard())
      return {errc::runtime_failure, "TLS I/O guard missing"};
  }
  ro.network.enabled = true;
  ro.network.heartbeat_interval = net.heartbeat_interval;
  ro.network.connection_timeout = net.connection_timeout;
  ro.network.tls_ca = net.tls.ca;
  ro.network.tls_certificate = net.tls.certificate;
  ro.network.tls_key = net.tls.key;
  ro.setup.push_back(std::make_shared<node_protocol>());
  return {};
}

} // namespace troupe::nodes
