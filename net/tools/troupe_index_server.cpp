// troupe_index_server: the local package-index server, standalone, for
// benchmarks and manual use. Prints "port N" on stdout once it listens and
// runs until SIGINT/SIGTERM or --exit-after seconds.
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "troupe/net/index_server.hpp"

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_signal(int) {
  interrupted = true;
}

} // namespace

int main(int argc, char** argv) {
  using namespace troupe::net;
  index_server_options opts;
  int latency_ms = 0;
  int slow_ms = 5000;
  double exit_after = 0;
  CLI::App app{"Serve GET /pypi/NAME/json from a JSON data file on 127.0.0.1"};
  app.add_option("--port", opts.port, "port to bind (0: ephemeral)");
  app.add_option("--data", opts.data_file, "the JSON data file")->required();
  app.add_option("--latency-ms", latency_ms, "delay before every response")
    ->check(CLI::NonNegativeNumber);
  app.add_option("--fail-rate", opts.fail_rate, "fraction answered 503")
    ->check(CLI::Range(0.0, 1.0));
  app.add_option("--slow-rate", opts.slow_rate, "fraction delayed --slow-ms")
    ->check(CLI::Range(0.0, 1.0));
  app.add_option("--slow-ms", slow_ms, "delay of a slow response")
    ->check(CLI::NonNegativeNumber);
  app.add_option("--cut-rate", opts.cut_rate,
                 "fraction closed mid-response")
    ->check(CLI::Range(0.0, 1.0));
  app.add_option("--seed", opts.seed, "seed of the random faults");
  app.add_option("--exit-after", exit_after,
                 "stop after this many seconds (0: on a signal only)")
    ->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);
  opts.latency = std::chrono::milliseconds(latency_ms);
  opts.slow_delay = std::chrono::milliseconds(slow_ms);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  index_server server{opts};
  if (auto err = server.start()) {
    std::cerr << "troupe_index_server: " << *err << '\n';
    return 69;
  }
  std::cout << "port " << server.port() << std::endl;
  std::cerr << "serving " << server.package_count() << " packages on 127.0.0.1:"
            << server.port() << '\n';
  auto deadline = std::chrono::steady_clock::now()
                  + std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::duration<double>(exit_after));
  while (!interrupted
         && (exit_after <= 0 || std::chrono::steady_clock::now() < deadline))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.stop();
  auto s = server.stats();
  std::cerr << "requests " << s.requests << ", connections " << s.connections
            << ", injected errors " << s.injected_errors << ", slow "
            << s.injected_slow << ", cuts " << s.injected_cuts << '\n';
  return interrupted ? 130 : 0;
}
