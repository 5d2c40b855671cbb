// A host application that embeds troupe: it registers two agents of its own,
// builds their DAG as data, runs it on the runtime's workers with its own
// budget and log sink, and shuts down cleanly.
//
//   embed_minimal N   sums the squares 1..N in 8 chunks, then checks the total
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "troupe/actors/agent_registry.hpp"
#include "troupe/runtime/runtime.hpp"

int main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000;
  constexpr std::size_t chunks = 8;

  // The host's own agents, registered the way the built-in ones are.
  troupe::actors::agent_registry agents;
  auto err = agents.add({"square_sum", 1, troupe::actors::agent_scope::per_file, {},
                         "sum of squares over a range"});
  if (err.empty())
    err = agents.add({"total", 1, troupe::actors::agent_scope::aggregate, {"square_sum"},
                      "adds the partial sums"});
  if (!err.empty()) {
    std::cerr << "embed_minimal: " << err << '\n';
    return 1;
  }

  // troupe logs into the host's sink; the host's default logger is untouched.
  std::ostringstream log_text;
  troupe::runtime_options options;
  options.workers = 2;
  options.log_sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text);
  troupe::runtime rt{options};

  std::vector<std::uint64_t> partial(chunks, 0);
  std::uint64_t total = 0;
  troupe::task_graph graph;
  std::vector<std::size_t> parts;
  for (std::size_t c = 0; c < chunks; ++c) {
    parts.push_back(graph.add({"square_sum[" + std::to_string(c) + "]", "square_sum", 0.001, {},
                               [&partial, c, n](const troupe::task_context&) {
                                 for (std::uint64_t i = c + 1; i <= n; i += chunks)
                                   partial[c] += i * i;
                                 return caf::error{};
                               }}));
  }
  graph.add({"total", "total", 0.001, parts, [&](const troupe::task_context&) {
               for (auto p : partial)
                 total += p;
               return caf::error{};
             }});

  auto result = rt.run(graph);
  const std::uint64_t expected = n * (n + 1) * (2 * n + 1) / 6;
  std::cout << "agents: " << agents.agents().size() << ", tasks: " << result.tasks.size()
            << ", workers: " << rt.workers() << ", total: " << total
            << ", expected: " << expected << '\n';
  return result.ok() && total == expected ? 0 : 1;
}
