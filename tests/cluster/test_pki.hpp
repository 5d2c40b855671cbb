// File: a throw-away public key infrastructure for TLS tests: a cluster CA
// with certificates for a node and a client, and a second, unrelated CA
// with a certificate of its own. Made with the openssl command line tool
// into a temporary folder (removed by the destructor).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace troupe::test {

/// Certificates and keys (PEM, EC P-256, unencrypted) in a temporary folder.
struct test_pki {
  std::filesystem::path dir;

  /// The cluster's CA, and two certificates it signed.
  std::string ca, node_cert, node_key, client_cert, client_key;
  /// Another CA and a certificate it signed.
  std::string rogue_ca, rogue_cert, rogue_key;

  test_pki() {
    char tmpl[] = "/tmp/troupe-pki-XXXXXX";
    if (!mkdtemp(tmpl))
      throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    auto p = [&](const char* name) { return (dir / name).string(); };
    ca = p("ca.pem");
    node_cert = p("node.pem");
    node_key = p("node.key");
    client_cert = p("client.pem");
    client_key = p("client.key");
    rogue_ca = p("rogue-ca.pem");
    rogue_cert = p("rogue.pem");
    rogue_key = p("rogue.key");
    make_ca("ca", "troupe-test-ca");
    make_ca("rogue-ca", "troupe-rogue-ca");
    make_cert("node", "ca", "node");
    make_cert("client", "ca", "client");
    make_cert("rogue", "rogue-ca", "rogue");
  }

  ~test_pki() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  test_pki(const test_pki&) = delete;
  test_pki& operator=(const test_pki&) = delete;

private:
  void sh(const std::string& cmd) {
    auto full = "cd '" + dir.string() + "' && " + cmd + " >openssl.out 2>openssl.err";
    if (std::system(full.c_str()) != 0)
      throw std::runtime_error("openssl failed: " + cmd);
  }

  void make_ca(const std::string& name, const std::string& cn) {
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "
       + name + ".key -out " + name + ".pem -days 2 -subj /CN=" + cn);
  }

  void make_cert(const std::string& name, const std::string& ca_name, const std::string& cn) {
    sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name
       + ".key -out " + name + ".csr -subj /CN=" + cn);
    sh("openssl x509 -req -in " + name + ".csr -CA " + ca_name + ".pem -CAkey " + ca_name
       + ".key -CAcreateserial -out " + name + ".pem -days 2");
  }
};

} // namespace troupe::test
