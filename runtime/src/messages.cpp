#include "troupe/runtime/internal/messages.hpp"

#include <caf/actor_system_config.hpp>

namespace troupe::detail {

void add_runtime_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<task_item>("troupe.task_item");
  cfg.add_message_type<upstream_record>("troupe.upstream_record");
  cfg.add_message_type<task_request>("troupe.task_request");
  cfg.add_message_type<item_error>("troupe.item_error");
  cfg.add_message_type<agent_report>("troupe.agent_report");
  cfg.add_message_type<output_record>("troupe.output_record");
  cfg.add_message_type<file_report>("troupe.file_report");
  cfg.add_message_type<task_reply>("troupe.task_reply");
  cfg.add_message_type<task_batch>("troupe.task_batch");
  cfg.add_message_type<reply_batch>("troupe.reply_batch");
}

} // namespace troupe::detail
