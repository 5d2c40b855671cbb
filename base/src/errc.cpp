#include "troupe/base/errc.hpp"

namespace troupe {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::invalid_config: return "invalid_config";
    case errc::unreadable_input: return "unreadable_input";
    case errc::not_found: return "not_found";
    case errc::agent_failed: return "agent_failed";
    case errc::task_timeout: return "task_timeout";
    case errc::skipped: return "skipped";
    case errc::peer_unreachable: return "peer_unreachable";
    case errc::corrupt_record: return "corrupt_record";
    case errc::cancelled: return "cancelled";
    case errc::invalid_graph: return "invalid_graph";
    case errc::runtime_failure: return "runtime_failure";
    case errc::peer_refused: return "peer_refused";
  }
  return "unknown";
}

} // namespace troupe
