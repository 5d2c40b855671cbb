#include "troupe/runtime/graph_result.hpp"

#include <algorithm>

namespace troupe {

const char* to_string(task_status status) noexcept {
  switch (status) {
    case task_status::pending: return "pending";
    case task_status::done: return "done";
    case task_status::failed: return "failed";
    case task_status::skipped: return "skipped";
    case task_status::cancelled: return "cancelled";
  }
  return "unknown";
}

bool graph_result::ok() const noexcept {
  return !cancelled && count(task_status::done) == tasks.size() && item_failures() == 0;
}

std::size_t graph_result::item_failures() const noexcept {
  std::size_t n = 0;
  for (const auto& t : tasks)
    if (t.status == task_status::done)
      for (const auto& a : t.agents)
        n += a.failures.size();
  return n;
}

std::size_t graph_result::count(task_status status) const noexcept {
  return static_cast<std::size_t>(std::count_if(
    tasks.begin(), tasks.end(), [status](const task_outcome& t) { return t.status == status; }));
}

} // namespace troupe
