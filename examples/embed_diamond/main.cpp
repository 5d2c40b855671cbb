// A diamond of host agents over a few text items, one of which fails on one
// item: the run goes on, the failure is the failing agent's alone (and of
// what reads that item's output), and troupe's log lines go to the host's
// own logger's sink next to the host's lines.
//
//            words (per item)
//           /               \
//   upper (per item)     count (per item, fails on "bad")
//           \               /
//            summary (aggregate)
//
//   embed_diamond     prints each agent's row and the summary; exit 0 when
//                     the outcome is the expected one
#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "troupe/runtime/agent_registry.hpp"
#include "troupe/runtime/graph_plan.hpp"
#include "troupe/runtime/runtime.hpp"

namespace {

using troupe::agent_input;
using troupe::expected;

/// The output of agent `id` for the item `in` is about (empty if none).
std::string_view upstream_of(const agent_input& in, std::string_view id) {
  for (const auto& u : in.upstream)
    if (u.agent == id)
      return u.bytes;
  return {};
}

troupe::error build(troupe::agent_registry& reg) {
  using troupe::agent_scope;
  if (auto err = reg.add({"words", 1, agent_scope::per_item, {}, "the item's words, one a line"},
                         [](const agent_input& in) -> expected<std::string> {
                           std::istringstream text{std::string{in.content}};
                           std::string word, out;
                           while (text >> word)
                             out += word + '\n';
                           return out;
                         }))
    return err;
  if (auto err = reg.add({"upper", 1, agent_scope::per_item, {"words"}, "words in capitals"},
                         [](const agent_input& in) -> expected<std::string> {
                           std::string out{upstream_of(in, "words")};
                           for (auto& c : out)
                             c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                           return out;
                         }))
    return err;
  if (auto err = reg.add({"count", 1, agent_scope::per_item, {"words"}, "number of words"},
                         [](const agent_input& in) -> expected<std::string> {
                           if (in.name == "bad")
                             return troupe::error{troupe::errc::agent_failed,
                                                  "cannot count item '" + std::string{in.name}
                                                    + "'"};
                           auto words = upstream_of(in, "words");
                           return std::to_string(std::count(words.begin(), words.end(), '\n'));
                         }))
    return err;
  return reg.add({"summary", 1, agent_scope::aggregate, {"upper", "count"}, "one line per item"},
                 [](const agent_input& in) -> expected<std::string> {
                   std::string out;
                   for (const auto& u : in.upstream)
                     if (u.agent == "count")
                       out += "item " + std::to_string(u.item) + ": " + std::string{u.bytes}
                              + " words\n";
                   return out;
                 });
}

} // namespace

int main() {
  // The host's logger and sink; troupe writes its named loggers there too.
  std::ostringstream log_text;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text);
  spdlog::logger host_log{"host", sink};
  host_log.info("starting");

  troupe::agent_registry agents;
  if (auto err = build(agents)) {
    std::cerr << "embed_diamond: " << err.message() << '\n';
    return 1;
  }
  troupe::runtime_options options;
  options.workers = 2;
  options.log_sink = sink;
  troupe::runtime rt{options};
  rt.logger("troupe.host_run")->info("running the diamond");

  std::vector<troupe::work_item> items{
    {"alpha", "one two three"}, {"bad", "four five"}, {"gamma", "six"}};
  auto graph = troupe::plan_graph(agents, items.size());
  troupe::graph_run_options run_options;
  run_options.max_retries = 1;
  auto result = rt.run(agents, graph, items, run_options);

  bool as_expected = true;
  for (const auto& row : troupe::summarise_agents(agents, graph, result)) {
    std::cout << row.agent << ": " << troupe::to_string(row.status) << ", " << row.tasks
              << " tasks, " << row.attempts << " attempts";
    for (const auto& f : row.failures)
      std::cout << "; failed on " << items[f.item].name << ": " << f.error.message();
    std::cout << '\n';
    bool should_fail = row.agent == "count";
    as_expected &= (row.status == troupe::task_status::failed) == should_fail;
    as_expected &= !should_fail || (row.failures.size() == 1 && row.attempts == 4);
  }
  std::string summary;
  for (const auto& task : result.tasks)
    for (const auto& out : task.outputs)
      if (out.agent == "summary" && out.bytes)
        summary = *out.bytes;
  std::cout << summary;
  as_expected &= summary == "item 0: 3 words\nitem 2: 1 words\n";
  host_log.info("done");
  sink->flush();
  std::cout << "log:\n" << log_text.str();
  as_expected &= log_text.str().find("[host] [info] starting") != std::string::npos
                 && log_text.str().find("[troupe.host_run] [info] running the diamond")
                      != std::string::npos;
  return as_expected ? 0 : 1;
}
