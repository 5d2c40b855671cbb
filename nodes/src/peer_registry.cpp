#include "troupe/nodes/internal/peer_registry.hpp"

namespace troupe::nodes::detail {

peer_registry::peer_registry(caf::node_id local) : local_(std::move(local)) {
}

bool peer_registry::admit(const caf::strong_actor_ptr& sender) noexcept {
  if (!sender) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const auto& node = sender->node();
  if (node == local_)
    return true;
  bool known;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    known = peers_.count(node) > 0;
  }
  (known ? admitted_ : rejected_).fetch_add(1, std::memory_order_relaxed);
  return known;
}

bool peer_registry::is_local(const caf::strong_actor_ptr& sender) const noexcept {
  return sender && sender->node() == local_;
}

void peer_registry::add(const caf::node_id& node, peer_info info) {
  std::lock_guard<std::mutex> guard{mutex_};
  peers_[node] = std::move(info);
}

bool peer_registry::remove(const caf::node_id& node) {
  std::lock_guard<std::mutex> guard{mutex_};
  return peers_.erase(node) > 0;
}

bool peer_registry::contains(const caf::node_id& node) const {
  std::lock_guard<std::mutex> guard{mutex_};
  return peers_.count(node) > 0;
}

std::vector<peer_info> peer_registry::peers() const {
  std::lock_guard<std::mutex> guard{mutex_};
  std::vector<peer_info> out;
  out.reserve(peers_.size());
  for (const auto& [node, info] : peers_)
    out.push_back(info);
  return out;
}

} // namespace troupe::nodes::detail
