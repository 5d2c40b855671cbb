// The file stage's executor: group-1 agents over a shard of files, one parse
// per file for every agent whose record is not cached; each agent timed and
// failed on its own, per file.
#include <chrono>
#include <memory>
#include <string>

#include "internal/analysis_locals.hpp"
#include "troupe/base/internal/caf_error.hpp"
#include "troupe/cache/digest.hpp"

namespace troupe::detail {

namespace {

class file_stage final : public agent_executor {
public:
  bool per_slot() const noexcept override {
    return true;
  }

  caf::error run(const task_request& req, const lane_context& ctx,
                 task_reply& reply) const override {
    auto* locals = dynamic_cast<analysis_locals*>(ctx.locals);
    if (!locals)
      return make_caf_error(errc::invalid_graph,
                            "group-1 agents run only within an analysis of a source tree");
    // The request's agents, as indexes into the stage.
    std::vector<std::size_t> wanted;
    for (const auto& id : req.agents) {
      auto it = locals->stage_index.find(id);
      if (it == locals->stage_index.end())
        return make_caf_error(errc::invalid_graph, "agent '" + id + "' is not in the file stage");
      wanted.push_back(it->second);
      reply.agents.emplace_back().agent = id;
    }
    const auto& sources = *locals->sources;
    for (const auto& item : req.items) {
      if (ctx.cancelled->load(std::memory_order_relaxed))
        return make_caf_error(errc::cancelled, "analysis cancelled");
      if (item.index >= sources.size())
        return make_caf_error(errc::invalid_graph, "no file #" + std::to_string(item.index));
      auto decoded = std::make_shared<decoded_file>();
      auto& f = decoded->analysis;
      const auto* digest = locals->digests ? &(*locals->digests)[item.index] : nullptr;
      f = analyse_file(locals->root, sources[item.index], locals->options.max_file_bytes,
                       locals->cache, locals->stage, digest);
      collect_records(f, locals->slots, decoded->corpus);
      describe(req, wanted, item.index, f, reply);
      if (!locals->options.keep_records)
        f.records.clear();
      auto& report = reply.files.emplace_back();
      report.item = item.index;
      report.bytes = f.bytes;
      report.digest = f.digest;
      report.state = static_cast<std::uint8_t>(f.state);
      report.encoding = f.encoding;
      report.detail = f.detail;
      report.why_missed = f.why_missed;
      report.corrupt_record = f.corrupt_record;
      if (!f.cache_error.empty())
        report.cache_error = make_caf_error(errc::unreadable_input, f.cache_error);
      report.stage_seconds = f.stage_seconds;
      report.parse_seconds = f.parse_seconds;
      report.decoded = std::move(decoded);
    }
    return {};
  }

private:
  /// The agents' share of one file: time, hits, failures and records.
  static void describe(const task_request& req, const std::vector<std::size_t>& wanted,
                       std::uint32_t item, const file_analysis& f, task_reply& reply) {
    bool parsed = f.state == file_state::parsed;
    for (std::size_t k = 0; k < wanted.size(); ++k) {
      auto slot = wanted[k];
      auto& report = reply.agents[k];
      ++report.items;
      if (!parsed)
        continue;
      if (slot < f.agent_seconds.size())
        report.seconds += f.agent_seconds[slot];
      bool hit = slot == 0 ? f.cache_hit : f.record_hits[slot - 1] != 0;
      report.cache_hits += hit;
      if (slot < f.agent_failures.size() && !f.agent_failures[slot].empty())
        report.failures.push_back({item, make_caf_error(errc::agent_failed,
                                                        req.agents[k] + " on " + f.path + ": "
                                                          + f.agent_failures[slot])});
      const auto& record = slot == 0 ? nullptr : f.records[slot - 1];
      if (record)
        reply.outputs.push_back({req.agents[k], item, {record}, hit});
    }
  }
};

} // namespace

std::shared_ptr<const agent_executor> file_stage_executor() {
  static const auto instance = std::make_shared<const file_stage>();
  return instance;
}

} // namespace troupe::detail
