#include "troupe/cache/internal/tier_actor_l3.hpp"

#include <caf/all.hpp>

namespace troupe::cache::detail {

tier_actor_l3::tier_actor_l3(caf::actor_system& sys, tier_actor shard,
                             std::chrono::milliseconds timeout, std::string name)
  : sys_(sys), shard_(std::move(shard)), timeout_(timeout), name_(std::move(name)) {
  sender_ = sys_.spawn([](caf::event_based_actor* self) -> caf::behavior {
    self->set_default_handler(caf::drop);
    return {[](caf::ok_atom) {}};
  });
}

tier_actor_l3::~tier_actor_l3() {
  caf::anon_send_exit(sender_, caf::exit_reason::user_shutdown);
}

value_ptr tier_actor_l3::get(const cache_key& key) {
  value_ptr out;
  caf::scoped_actor self{sys_};
  self->request(shard_, timeout_, get_atom::value, key)
    .receive([&](const shared_bytes& found) { out = found.data; },
             [](caf::error&) {}); // timed out or gone: a miss
  return out;
}

cache_error tier_actor_l3::put(const cache_key& key, const value_ptr& value) {
  if (!value)
    return {};
  caf::send_as(sender_, shard_, put_atom::value, key, shared_bytes{value});
  return {};
}

} // namespace troupe::cache::detail
