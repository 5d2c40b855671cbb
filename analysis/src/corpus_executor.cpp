// Executors of the agents that read the whole corpus (groups 2 and 3) and of
// the report: one lane each, on the process that owns the run, whose
// decoded corpus they read and whose results they fill.
#include <chrono>
#include <string>

#include "internal/analysis_locals.hpp"
#include "troupe/base/internal/caf_error.hpp"

namespace troupe::detail {

namespace {

analysis_locals* locals_of(const lane_context& ctx, const std::string& agent, caf::error& err) {
  auto* locals = dynamic_cast<analysis_locals*>(ctx.locals);
  if (!locals)
    err = make_caf_error(errc::invalid_graph,
                         "agent '" + agent + "' runs only within an analysis, on its own node");
  return locals;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

class corpus_stage final : public agent_executor {
public:
  explicit corpus_stage(std::shared_ptr<const corpus::corpus_agent> agent)
    : agent_(std::move(agent)) {
  }

  bool per_slot() const noexcept override {
    return false;
  }

  caf::error run(const task_request& req, const lane_context& ctx,
                 task_reply& reply) const override {
    const auto& id = agent_->descriptor().id;
    caf::error err;
    auto* locals = locals_of(ctx, id, err);
    if (!locals)
      return err;
    auto& report = reply.agents.emplace_back();
    report.agent = id;
    auto started = std::chrono::steady_clock::now();
    auto why = agent_->run(locals->out.corpus, locals->out.corpus_results,
                           locals->options.corpus_context);
    report.seconds = seconds_since(started);
    if (why)
      return make_caf_error(errc::agent_failed, id + ": " + why.message());
    return {};
  }

private:
  std::shared_ptr<const corpus::corpus_agent> agent_;
};

class report_stage final : public agent_executor {
public:
  bool per_slot() const noexcept override {
    return false;
  }

  caf::error run(const task_request& req, const lane_context& ctx,
                 task_reply& reply) const override {
    caf::error err;
    auto* locals = locals_of(ctx, "report", err);
    if (!locals)
      return err;
    auto& report = reply.agents.emplace_back();
    report.agent = "report";
    auto started = std::chrono::steady_clock::now();
    if (!locals->options.report)
      return make_caf_error(errc::invalid_config, "the analysis has no report writer");
    // The other agents' outcomes as they were when this task was sent
    // (every one of them final): the writer's view of the run.
    auto& out = locals->out;
    out.graph = locals->report_view;
    complete_result(out, locals->options, locals->started, locals->analyse_started);
    auto failure = locals->options.report(out);
    report.seconds = seconds_since(started);
    return to_caf(failure);
  }
};

} // namespace

std::shared_ptr<const agent_executor>
make_corpus_executor(std::shared_ptr<const corpus::corpus_agent> agent) {
  return std::make_shared<const corpus_stage>(std::move(agent));
}

std::shared_ptr<const agent_executor> make_report_executor() {
  return std::make_shared<const report_stage>();
}

} // namespace troupe::detail
