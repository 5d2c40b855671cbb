#include "troupe/cache/internal/l3_group.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include <caf/all.hpp>
#include <xxhash.h>

#include "troupe/cache/digest.hpp"

namespace troupe::cache::detail {

namespace {

/// The rendezvous score of `member` for `key`.
std::uint64_t score(const std::string& member, const cache_key& key) {
  const auto& d = key.value();
  std::uint64_t words[2] = {d.high, d.low};
  auto seed = XXH3_64bits(member.data(), member.size());
  return XXH3_64bits_withSeed(words, sizeof words, seed);
}

void put_u64(std::string& out, std::uint64_t x) {
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
}

std::uint64_t get_u64(std::string_view in) {
  std::uint64_t x = 0;
  for (int i = 0; i < 8; ++i)
    x = (x << 8) | static_cast<unsigned char>(in[i]);
  return x;
}

constexpr std::size_t frame_header = 16;

/// To the put sender: confirm the puts sent so far to these shards.
using flush_atom = caf::atom_constant<caf::atom("l3flush")>;

/// The put sender: forwards nothing itself (puts are sent as it), answers a
/// flush with the number of shards that confirmed within the limit.
caf::behavior put_sender(caf::event_based_actor* self) {
  self->set_default_handler(caf::drop);
  return {
    [self](flush_atom, const std::vector<tier_actor>& shards,
           caf::timespan limit) -> caf::result<std::uint64_t> {
      if (shards.empty())
        return std::uint64_t{0};
      auto promise = self->make_response_promise<std::uint64_t>();
      struct tally {
        std::size_t waiting;
        std::uint64_t confirmed = 0;
      };
      auto t = std::make_shared<tally>(tally{shards.size()});
      for (const auto& shard : shards) {
        self->request(shard, limit, commit_atom::value)
          .then(
            [t, promise](std::uint64_t) mutable {
              ++t->confirmed;
              if (--t->waiting == 0)
                promise.deliver(t->confirmed);
            },
            [t, promise](caf::error&) mutable {
              if (--t->waiting == 0)
                promise.deliver(t->confirmed);
            });
      }
      return promise;
    },
  };
}

} // namespace

l3_group::l3_group(caf::actor_system& sys, std::chrono::milliseconds timeout)
  : sys_(sys), timeout_(timeout) {
  // A node's shard drops anonymous messages: the one-way puts need a sender.
  sender_ = sys_.spawn(put_sender);
}

l3_group::~l3_group() {
  caf::anon_send_exit(sender_, caf::exit_reason::user_shutdown);
}

void l3_group::join(const std::string& name, tier_actor shard) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = std::find_if(members_.begin(), members_.end(),
                        [&](const member& m) { return m.name == name; });
  if (i == members_.end())
    members_.push_back({name, std::move(shard)});
  else
    i->shard = std::move(shard);
}

void l3_group::leave(const std::string& name) {
  std::lock_guard<std::mutex> guard{mtx_};
  members_.erase(std::remove_if(members_.begin(), members_.end(),
                                [&](const member& m) { return m.name == name; }),
                 members_.end());
}

std::vector<std::string> l3_group::members() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<std::string> out;
  for (const auto& m : members_)
    out.push_back(m.name);
  return out;
}

bool l3_group::owner_of(const cache_key& key, member& out) const {
  std::lock_guard<std::mutex> guard{mtx_};
  const member* best = nullptr;
  std::uint64_t best_score = 0;
  for (const auto& m : members_) {
    auto s = score(m.name, key);
    if (!best || s > best_score || (s == best_score && m.name < best->name)) {
      best = &m;
      best_score = s;
    }
  }
  if (!best)
    return false;
  out = *best;
  return true;
}

std::string l3_group::owner(const cache_key& key) const {
  member m;
  return owner_of(key, m) ? m.name : std::string{};
}

std::string l3_group::frame(std::string_view value) {
  auto d = content_digest(value);
  std::string out;
  out.reserve(frame_header + value.size());
  put_u64(out, d.high);
  put_u64(out, d.low);
  out.append(value);
  return out;
}

bool l3_group::unframe(std::string_view framed, std::string& value) {
  if (framed.size() < frame_header)
    return false;
  digest stated{get_u64(framed), get_u64(framed.substr(8))};
  auto body = framed.substr(frame_header);
  if (content_digest(body) != stated)
    return false;
  value.assign(body);
  return true;
}

value_ptr l3_group::get(const cache_key& key) {
  return get_many({key}).front();
}

std::vector<value_ptr> l3_group::get_many(const std::vector<cache_key>& keys) {
  std::vector<value_ptr> out(keys.size());
  caf::scoped_actor self{sys_};
  // A blocking actor awaiting one response leaves the others queued, so
  // all requests go out first and their answers are taken in order; each
  // has its own timeout, counted from when it was sent.
  using handle = decltype(self->request(std::declval<tier_actor>(), timeout_, get_atom::value,
                                        std::declval<const cache_key&>()));
  std::vector<std::optional<handle>> pending(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    member m;
    if (owner_of(keys[i], m))
      pending[i].emplace(self->request(m.shard, timeout_, get_atom::value, keys[i]));
    else
      out[i] = settle(true, {}); // no member: a miss
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!pending[i])
      continue;
    shared_bytes found;
    bool answered = false;
    pending[i]->receive(
      [&](const shared_bytes& b) {
        found = b;
        answered = true;
      },
      [](caf::error&) {}); // timed out, or the shard is gone: a miss
    out[i] = settle(answered, found);
  }
  return out;
}

value_ptr l3_group::settle(bool answered, const shared_bytes& found) {
  std::string value;
  bool corrupt = answered && found.data && !unframe(*found.data, value);
  std::lock_guard<std::mutex> guard{mtx_};
  if (!answered) {
    ++counters_.unanswered;
    ++counters_.misses;
    return nullptr;
  }
  if (!found.data || corrupt) {
    counters_.corrupt += corrupt;
    ++counters_.misses;
    return nullptr;
  }
  ++counters_.hits;
  return make_value(std::move(value));
}

cache_error l3_group::put(const cache_key& key, const value_ptr& value) {
  if (!value)
    return {};
  member m;
  if (!owner_of(key, m))
    return {errc::peer_unreachable, "the L3 group has no member"};
  caf::send_as(sender_, m.shard, put_atom::value, key,
               shared_bytes{std::make_shared<const std::string>(frame(*value))});
  std::lock_guard<std::mutex> guard{mtx_};
  ++counters_.puts;
  return {};
}

cache_error l3_group::flush(std::chrono::milliseconds limit) {
  std::vector<tier_actor> shards;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (const auto& m : members_)
      shards.push_back(m.shard);
  }
  if (shards.empty())
    return {};
  caf::scoped_actor self{sys_};
  std::uint64_t confirmed = 0;
  // The sender's own requests time out after `limit`; this one a little
  // later, so their answers come first.
  self->request(sender_, limit + std::chrono::milliseconds(100), flush_atom::value, shards,
                caf::timespan{limit})
    .receive([&](std::uint64_t n) { confirmed = n; }, [](caf::error&) {});
  if (confirmed == shards.size())
    return {};
  return {errc::peer_unreachable, std::to_string(shards.size() - confirmed) + " of "
                                    + std::to_string(shards.size())
                                    + " L3 shards did not confirm their puts within "
                                    + std::to_string(limit.count()) + " ms"};
}

l3_counters l3_group::counters() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return counters_;
}

} // namespace troupe::cache::detail
