// A host application that embeds troupe: it registers two agents of its own
// in a registry, lets troupe plan the run's DAG from it, runs it on the
// runtime's lanes with its own budget and log sink, and shuts down cleanly.
//
//   embed_minimal N   sums the squares 1..N in 8 chunks, then checks the total
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>

#include "troupe/runtime/agent_registry.hpp"
#include "troupe/runtime/graph_plan.hpp"
#include "troupe/runtime/runtime.hpp"

int main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000;
  constexpr std::uint64_t chunks = 8;

  // Two agents: one per item (a chunk of the range, as text), one over all
  // of them. Inputs and outputs are bytes, so a task can run anywhere.
  troupe::agent_registry agents;
  auto err = agents.add(
    {"square_sum", 1, troupe::agent_scope::per_item, {}, "sum of squares over a chunk"},
    [n](const troupe::agent_input& in) -> troupe::expected<std::string> {
      std::uint64_t chunk = std::stoull(std::string{in.content});
      std::uint64_t sum = 0;
      for (std::uint64_t i = chunk + 1; i <= n; i += chunks)
        sum += i * i;
      return std::to_string(sum);
    });
  if (!err)
    err = agents.add({"total", 1, troupe::agent_scope::aggregate, {"square_sum"},
                      "adds the partial sums"},
                     [](const troupe::agent_input& in) -> troupe::expected<std::string> {
                       std::uint64_t total = 0;
                       for (const auto& part : in.upstream)
                         total += std::stoull(std::string{part.bytes});
                       return std::to_string(total);
                     });
  if (err) {
    std::cerr << "embed_minimal: " << err.message() << '\n';
    return 1;
  }

  // troupe logs into the host's sink; the host's default logger is untouched.
  std::ostringstream log_text;
  troupe::runtime_options options;
  options.workers = 2;
  options.log_sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text);
  troupe::runtime rt{options};

  std::vector<troupe::work_item> items;
  for (std::uint64_t c = 0; c < chunks; ++c)
    items.push_back({"chunk" + std::to_string(c), std::to_string(c)});
  // One task per chunk for square_sum, one for total after all of them.
  auto graph = troupe::plan_graph(agents, items.size());
  auto result = rt.run(agents, graph, items);

  std::uint64_t total = 0;
  for (const auto& task : result.tasks)
    for (const auto& out : task.outputs)
      if (out.agent == "total" && out.bytes)
        total = std::stoull(*out.bytes);
  const std::uint64_t expected = n * (n + 1) * (2 * n + 1) / 6;
  std::cout << "agents: " << agents.agents().size() << ", tasks: " << result.tasks.size()
            << ", workers: " << rt.workers() << ", total: " << total
            << ", expected: " << expected << '\n';
  return result.ok() && total == expected ? 0 : 1;
}
