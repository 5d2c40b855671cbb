// troupe_tier_bench: the latency of a cache hit through the tiers' actor
// protocol against the direct call the analysis's hot path makes, and CAF's
// own request/response round trip as the floor, in one process.
//
//   troupe_tier_bench [--lookups N] [--dir FOLDER]
//
// Prints one line per path: `path=NAME lookups=N p50_us=X p99_us=Y`:
//   l1_direct        l1_store::get of a present key, on the calling thread
//   l1_actor_async   request/response to the L1 actor from an event-based actor
//   l1_actor_block   the same from a blocking (scoped) actor, as a thread would
//   l2_direct        l2_store::get of a committed record (page cache warm)
//   l2_actor_block   a get through the L2 actor from a blocking actor
//   caf_floor        request/response between two event-based actors that do
//                    nothing else (the CAF floor on this machine)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "troupe/cache/internal/messages.hpp"
#include "troupe/cache/key_parts.hpp"
#include "troupe/cache/l1_store.hpp"
#include "troupe/cache/l2_store.hpp"

namespace {

using namespace troupe::cache;
using namespace troupe::cache::detail;
using troupe::detail::shared_bytes;
using clock_type = std::chrono::steady_clock;

struct bench_config : caf::actor_system_config {
  bench_config() {
    set("scheduler.policy", caf::atom("sharing"));
    set("scheduler.max-threads", std::size_t{3});
    add_cache_message_types(*this);
  }
};

double micros(clock_type::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

void report(const char* path, std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[static_cast<std::size_t>(q * (us.size() - 1))]; };
  std::printf("path=%s lookups=%zu p50_us=%.3f p99_us=%.3f\n", path, us.size(), at(0.5),
              at(0.99));
}

cache_key key_of(std::size_t i) {
  key_parts parts;
  parts.agent_id = "bench";
  parts.agent_version = "1";
  parts.input = content_digest(std::to_string(i));
  return parts.key();
}

/// Round trips from an event-based actor: each request sent when the last
/// answer arrived.
template <class Result, class Handle, class... Ts>
std::vector<double> async_round_trips(caf::actor_system& sys, Handle target, std::size_t n,
                                      Ts... args) {
  std::promise<std::vector<double>> done;
  auto result = done.get_future();
  sys.spawn([target, n, &done, args...](caf::event_based_actor* self) {
    auto us = std::make_shared<std::vector<double>>();
    us->reserve(n);
    auto step = std::make_shared<std::function<void()>>();
    *step = [self, target, n, us, step, &done, args...] {
      if (us->size() == n) {
        done.set_value(std::move(*us));
        *step = nullptr; // breaks the cycle
        self->quit();
        return;
      }
      auto t0 = clock_type::now();
      self->request(target, std::chrono::seconds(10), args...)
        .then([us, step, t0](const Result&) {
          us->push_back(micros(clock_type::now() - t0));
          (*step)();
        });
    };
    (*step)();
  });
  return result.get();
}

template <class Result, class Handle, class... Ts>
std::vector<double> blocking_round_trips(caf::actor_system& sys, Handle target, std::size_t n,
                                         Ts... args) {
  caf::scoped_actor self{sys};
  std::vector<double> us;
  us.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto t0 = clock_type::now();
    self->request(target, std::chrono::seconds(10), args...)
      .receive([](const Result&) {},
               [](caf::error& err) {
                 std::fprintf(stderr, "troupe_tier_bench: %s\n", caf::to_string(err).c_str());
                 std::exit(1);
               });
    us.push_back(micros(clock_type::now() - t0));
  }
  return us;
}

} // namespace

int main(int argc, char** argv) {
  std::size_t n = 20000;
  std::string dir = "/tmp/troupe-tier-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--lookups")
      n = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--dir")
      dir = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: troupe_tier_bench [--lookups N] [--dir FOLDER]\n");
      return 2;
    }
  }
  if (n == 0) {
    std::fprintf(stderr, "troupe_tier_bench: --lookups must be positive\n");
    return 2;
  }
  bench_config cfg;
  caf::actor_system sys{cfg};
  constexpr std::size_t keys = 1000;
  std::string record(2048, 'x'); // about a group-1 record's size

  auto l1 = std::make_shared<l1_store>(l1_options{});
  for (std::size_t i = 0; i < keys; ++i)
    l1->put(key_of(i), make_value(record));
  {
    std::vector<double> us;
    us.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      auto key = key_of(i % keys);
      auto t0 = clock_type::now();
      auto v = l1->get(key);
      us.push_back(micros(clock_type::now() - t0));
      if (!v)
        return 1;
    }
    report("l1_direct", std::move(us));
  }
  auto l1_actor = spawn_l1_actor(sys, l1);
  report("l1_actor_async", async_round_trips<shared_bytes>(sys, l1_actor, n, get_atom::value, key_of(1)));
  report("l1_actor_block", blocking_round_trips<shared_bytes>(sys, l1_actor, n, get_atom::value, key_of(2)));

  std::filesystem::remove_all(dir);
  l2_options l2o;
  l2o.directory = dir;
  auto l2 = std::make_shared<l2_store>(l2o);
  if (auto err = l2->open()) {
    std::fprintf(stderr, "troupe_tier_bench: %s\n", err.message().c_str());
    return 1;
  }
  for (std::size_t i = 0; i < keys; ++i)
    if (auto err = l2->put(key_of(i), record)) {
      std::fprintf(stderr, "troupe_tier_bench: %s\n", err.message().c_str());
      return 1;
    }
  {
    std::vector<double> us;
    std::size_t m = std::min<std::size_t>(n, 5000);
    for (std::size_t i = 0; i < m; ++i) {
      auto key = key_of(i % keys);
      auto t0 = clock_type::now();
      auto v = l2->get(key);
      us.push_back(micros(clock_type::now() - t0));
      if (!v)
        return 1;
    }
    report("l2_direct", std::move(us));
  }
  auto l2_actor = spawn_l2_actor(sys, l2);
  report("l2_actor_block", blocking_round_trips<shared_bytes>(sys, l2_actor, std::min<std::size_t>(n, 5000),
                                                get_atom::value, key_of(3)));

  auto echo = sys.spawn([]() -> caf::behavior { return {[](int x) { return x; }}; });
  report("caf_floor", async_round_trips<int>(sys, echo, n, 1));
  std::filesystem::remove_all(dir);
  return 0;
}
