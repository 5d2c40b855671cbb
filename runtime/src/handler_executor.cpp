// The executor of host agents: a handler from bytes to bytes, called per
// item or once per task; each call is timed and fails on its own.
#include <chrono>
#include <exception>

#include "troupe/base/internal/caf_error.hpp"
#include "troupe/runtime/internal/agent_executor.hpp"

namespace troupe::detail {

namespace {

class handler_executor final : public agent_executor {
public:
  handler_executor(agent_scope scope, agent_handler handler)
    : scope_(scope), handler_(std::move(handler)) {
  }

  bool per_slot() const noexcept override {
    return scope_ == agent_scope::per_item;
  }

  caf::error run(const task_request& req, const lane_context& ctx,
                 task_reply& reply) const override {
    if (req.agents.size() != 1)
      return make_caf_error(errc::invalid_graph, "a host agent's task names one agent, not "
                                                   + std::to_string(req.agents.size()));
    auto& report = reply.agents.emplace_back();
    report.agent = req.agents.front();
    agent_input in;
    in.payload = req.payload.view();
    in.attempt = req.attempt;
    in.cancelled = ctx.cancelled;
    if (scope_ != agent_scope::per_item || req.items.empty()) {
      // One output for the task: failing it fails the task.
      add_upstream(req, upstream_output::no_item, true, in);
      call(in, upstream_output::no_item, report, reply);
      if (!report.failures.empty()) {
        auto err = std::move(report.failures.front().error);
        report.failures.clear();
        return err;
      }
      return {};
    }
    for (const auto& item : req.items) {
      if (ctx.cancelled && ctx.cancelled->load(std::memory_order_relaxed))
        return make_caf_error(errc::cancelled, "run cancelled");
      in.item = item.index;
      in.name = item.name;
      in.content = item.content.view();
      in.upstream.clear();
      add_upstream(req, item.index, false, in);
      call(in, item.index, report, reply);
    }
    return {};
  }

private:
  /// The upstream outputs an item (or the task as a whole) sees.
  static void add_upstream(const task_request& req, std::uint32_t item, bool all,
                           agent_input& in) {
    for (const auto& u : req.upstream)
      if (all || u.item == item || u.item == upstream_output::no_item)
        in.upstream.push_back({u.agent, u.item, u.bytes.view()});
  }

  void call(const agent_input& in, std::uint32_t item, agent_report& report,
            task_reply& reply) const {
    auto started = std::chrono::steady_clock::now();
    troupe::error failure;
    try {
      auto out = handler_(in);
      if (out)
        reply.outputs.push_back(
          {report.agent, item, {std::make_shared<const std::string>(std::move(*out))}, false});
      else
        failure = out.error();
    } catch (const std::exception& e) {
      failure = {errc::agent_failed, std::string{"exception: "} + e.what()};
    } catch (...) {
      failure = {errc::agent_failed, "exception of unknown type"};
    }
    report.seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ++report.items;
    if (failure)
      report.failures.push_back({item, to_caf(failure)});
  }

  agent_scope scope_;
  agent_handler handler_;
};

} // namespace

std::shared_ptr<const agent_executor> make_handler_executor(agent_scope scope,
                                                            agent_handler handler) {
  return std::make_shared<const handler_executor>(scope, std::move(handler));
}

} // namespace troupe::detail
