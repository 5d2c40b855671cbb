// troupe_deps_bench: the deps_lookup agent against the local package index
// (troupe_index_server's engine, started in this process on 127.0.0.1 with
// an injected latency), for a corpus that imports N distinct third-party
// packages.
//
//   troupe_deps_bench --mode pooled|sequential [--packages 100]
//                     [--latency-ms 50] [--pool-size 8] [--in-flight 16]
//                     [--index-data FILE]
//
// pooled:     the agent's keep-alive pool of --pool-size connections with at
//             most --in-flight requests (the balanced profile's 8 and 16 by
//             default).
// sequential: one new connection per lookup, one after the other.
//
// Prints `found=N connections=N` and, last, `sample_s=X`: the seconds of
// the agent's lookups (index start-up and corpus set-up excluded). Exits 1
// unless every package was found.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "troupe/actors/corpus/agents.hpp"
#include "troupe/net/index_server.hpp"

namespace {

int usage() {
  std::fprintf(stderr, "usage: troupe_deps_bench --mode pooled|sequential [--packages N] "
                       "[--latency-ms MS] [--pool-size N] [--in-flight N] "
                       "[--index-data FILE]\n");
  return 2;
}

/// Index projects whose import name is the project name, so the corpus can
/// import them directly.
bool importable_project(const std::string& name) {
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return !name.empty();
}

} // namespace

int main(int argc, char** argv) {
  std::string mode;
  std::size_t packages = 100;
  int latency_ms = 50;
  troupe::config::network_settings network;
  std::string data = std::string{TROUPE_SOURCE_DIR} + "/tests/fixtures/index/packages.json";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--mode")
      mode = next();
    else if (a == "--packages")
      packages = std::strtoul(next().c_str(), nullptr, 10);
    else if (a == "--latency-ms")
      latency_ms = std::atoi(next().c_str());
    else if (a == "--pool-size")
      network.pool_size = static_cast<std::uint32_t>(std::strtoul(next().c_str(), nullptr, 10));
    else if (a == "--in-flight")
      network.max_in_flight =
        static_cast<std::uint32_t>(std::strtoul(next().c_str(), nullptr, 10));
    else if (a == "--index-data")
      data = next();
    else
      return usage();
  }
  if ((mode != "pooled" && mode != "sequential") || network.pool_size == 0
      || network.max_in_flight == 0)
    return usage();

  troupe::net::index_server_options opts;
  opts.data_file = data;
  opts.latency = std::chrono::milliseconds(latency_ms);
  troupe::net::index_server server{opts};
  if (auto err = server.start()) {
    std::fprintf(stderr, "troupe_deps_bench: index server: %s\n", err->c_str());
    return 1;
  }

  // A corpus of one module importing the first N importable projects.
  std::ifstream in{data};
  auto index = nlohmann::json::parse(in);
  troupe::corpus::corpus c;
  auto& file = c.files.emplace_back();
  file.path = "uses_packages.py";
  file.parsed = true;
  std::size_t line = 1;
  for (const auto& [name, entry] : index.items()) {
    if (file.imports.imports.size() == packages)
      break;
    if (!importable_project(name))
      continue;
    troupe::actors::import_record imp;
    imp.module = name;
    imp.line = static_cast<std::uint32_t>(line++);
    file.imports.imports.push_back(imp);
  }
  if (file.imports.imports.size() < packages) {
    std::fprintf(stderr, "troupe_deps_bench: only %zu importable packages in %s\n",
                 file.imports.imports.size(), data.c_str());
    return 1;
  }
  c.index_modules();

  troupe::corpus::corpus_results results;
  troupe::corpus::corpus_context ctx;
  ctx.index_url = "http://127.0.0.1:" + std::to_string(server.port());
  ctx.pooled_lookups = mode == "pooled";
  ctx.network = network;
  auto err = troupe::corpus::run_import_graph(c, results, ctx);
  if (!err)
    err = troupe::corpus::run_deps_lookup(c, results, ctx);
  if (err) {
    std::fprintf(stderr, "troupe_deps_bench: %s\n", err.message().c_str());
    return 1;
  }
  std::size_t found = 0;
  for (const auto& d : results.deps.items)
    found += d.status == "found";
  std::printf("found=%zu lookups=%zu connections=%llu\n", found, results.deps.items.size(),
              static_cast<unsigned long long>(results.deps.connections_opened));
  std::printf("sample_s=%.6f\n", results.deps.seconds);
  return found == packages && results.deps.items.size() == packages ? 0 : 1;
}
