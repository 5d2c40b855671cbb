// The file stage's executor: group-1 agents over a shard of files, one parse
// per file for every agent whose record is not cached; each agent timed and
// failed on its own, per file.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "internal/analysis_locals.hpp"
#include "internal/file_stage.hpp"
#include "troupe/analysis/internal/report_entry.hpp"
#include "troupe/base/internal/caf_error.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/tiered_cache.hpp"

namespace troupe::detail {

namespace {

class file_stage final : public agent_executor {
public:
  bool per_slot() const noexcept override {
    return true;
  }

  caf::error run(const task_request& req, const lane_context& ctx,
                 task_reply& reply) const override {
    auto* stage = dynamic_cast<file_stage_locals*>(ctx.locals);
    if (!stage)
      return make_caf_error(errc::invalid_graph,
                            "group-1 agents run only within an analysis of a source tree");
    // On the process that owns the run, files are read from its tree and
    // decoded for its corpus here; on a node serving it, they come with
    // the task and go back as records.
    auto* origin = dynamic_cast<analysis_locals*>(ctx.locals);
    // The request's agents, as indexes into the stage.
    std::vector<std::size_t> wanted;
    for (const auto& id : req.agents) {
      auto it = stage->stage_index.find(id);
      if (it == stage->stage_index.end())
        return make_caf_error(errc::invalid_graph, "agent '" + id + "' is not in the file stage");
      wanted.push_back(it->second);
      reply.agents.emplace_back().agent = id;
    }
    // The attempt's start bounds its files' parses (agents.task_timeout).
    const file_task task{std::chrono::steady_clock::now(), ctx.cancelled};
    prefetched_bundles prefetched{origin ? origin->cache : ctx.cache, req, origin};
    for (const auto& item : req.items) {
      if (ctx.cancelled->load(std::memory_order_relaxed))
        return make_caf_error(errc::cancelled, "analysis cancelled");
      auto decoded = std::make_shared<decoded_file>();
      auto& f = decoded->analysis;
      if (origin) {
        if (item.index >= origin->sources->size())
          return make_caf_error(errc::invalid_graph, "no file #" + std::to_string(item.index));
        const auto* digest = origin->digests ? &(*origin->digests)[item.index] : nullptr;
        f = analyse_file(origin->root, (*origin->sources)[item.index], stage->max_file_bytes,
                         origin->cache, stage->stage, digest, nullptr, task);
        f.symbols_record = nullptr; // the decoded view travels instead
        collect_records(f, stage->slots, decoded->corpus);
      } else {
        if (!item.content.data)
          return make_caf_error(errc::invalid_graph,
                                "file " + item.name + " came without its content");
        auto content = item.content.view();
        source_file file{item.name, content.size()};
        // The digest is computed from the content here, which also checks
        // what arrived against what the origin read.
        f = analyse_file({}, file, stage->max_file_bytes, ctx.cache, stage->stage, nullptr,
                         &content, task);
        if (!item.digest.empty() && f.digest != item.digest)
          return make_caf_error(errc::corrupt_record,
                                "file " + item.name + " arrived with another digest");
      }
      describe(req, wanted, item.index, f, !origin, reply);
      if (origin && !origin->options.keep_records)
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
      if (origin)
        report.decoded = std::move(decoded);
    }
    return {};
  }

private:
  /// With an L3 tier, the bundles of a task's files are asked for at once
  /// (one round trip for the shard instead of one per file); what the
  /// task's lookups did not take is dropped when it ends.
  class prefetched_bundles {
  public:
    prefetched_bundles(cache::tiered_cache* cache, const task_request& req,
                       const analysis_locals* origin)
      : cache_(cache) {
      if (!cache_ || !cache_->l3())
        return;
      for (const auto& item : req.items) {
        std::optional<cache::digest> d;
        if (!origin)
          d = cache::digest::from_hex(item.digest);
        else if (origin->digests && item.index < origin->digests->size())
          d = (*origin->digests)[item.index];
        if (d)
          keys_.push_back(file_bundle_key(*d));
      }
      cache_->prefetch_l3(keys_);
    }
    ~prefetched_bundles() {
      if (!keys_.empty())
        cache_->drop_prefetched(keys_);
    }
    prefetched_bundles(const prefetched_bundles&) = delete;
    prefetched_bundles& operator=(const prefetched_bundles&) = delete;

  private:
    cache::tiered_cache* cache_;
    std::vector<cache::cache_key> keys_;
  };

  /// The agents' share of one file: time, hits, failures and records.
  static void describe(const task_request& req, const std::vector<std::size_t>& wanted,
                       std::uint32_t item, const file_analysis& f, bool remote,
                       task_reply& reply) {
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
      // Records travel as bytes to another node only: in this process the
      // reply carries them decoded (file_report::decoded), and holding the
      // bytes until the supervisor took the reply kept ~10 MB more alive
      // in a warm run (measured).
      const auto& record = slot == 0 ? f.symbols_record : f.records[slot - 1];
      if (record && remote)
        reply.outputs.push_back({req.agents[k], item, {record}, hit});
    }
    // Across nodes the file's report entry travels too (rendered there).
    if (remote && parsed && f.report_entry)
      reply.outputs.push_back({std::string{report_entry_id}, item, {f.report_entry}, false});
  }
};

} // namespace

std::shared_ptr<const agent_executor> file_stage_executor() {
  static const auto instance = std::make_shared<const file_stage>();
  return instance;
}

} // namespace troupe::detail
