// The six shipped profiles load, validate and differ from each other.
#include "troupe/config/profile_loader.hpp"
#include "troupe/config/settings_diff.hpp"
#include "troupe/config/validate.hpp"

#include <catch2/catch.hpp>

#include "shipped_profiles.hpp"

using namespace troupe::config;
using troupe::config::test::shipped_loader;
using troupe::config::test::shipped_names;

namespace {

settings load_ok(const profile_loader& loader, const std::string& name) {
  auto result = loader.load(name);
  INFO("profile " << name);
  for (auto& e : result.errors)
    UNSCOPED_INFO(e.to_string());
  REQUIRE(result.ok());
  return *result.value;
}

} // namespace

TEST_CASE("exactly the six profiles ship") {
  CHECK(shipped_loader().available() == shipped_names);
}

TEST_CASE("every shipped profile loads and validates") {
  auto loader = shipped_loader();
  for (const auto& name : shipped_names) {
    auto s = load_ok(loader, name);
    INFO("profile " << name);
    CHECK(s.profile == name);
    CHECK_FALSE(s.description.empty());
    CHECK(validate(s).empty());
  }
}

TEST_CASE("balanced spells out the defaults of settings.hpp") {
  auto balanced = load_ok(shipped_loader(), "balanced");
  CHECK(diff(balanced, settings{}).empty());
}

TEST_CASE("shipped profiles differ pairwise") {
  auto loader = shipped_loader();
  for (size_t i = 0; i < shipped_names.size(); ++i)
    for (size_t j = i + 1; j < shipped_names.size(); ++j) {
      INFO(shipped_names[i] << " vs " << shipped_names[j]);
      CHECK_FALSE(diff(load_ok(loader, shipped_names[i]),
                       load_ok(loader, shipped_names[j]))
                    .empty());
    }
}

TEST_CASE("shipped profiles carry their distinguishing values") {
  auto loader = shipped_loader();
  using namespace std::chrono_literals;
  auto cluster = load_ok(loader, "cluster");
  CHECK(cluster.cache.l3_enabled);
  for (const auto& name : shipped_names)
    if (name != "cluster")
      CHECK_FALSE(load_ok(loader, name).cache.l3_enabled);
  auto small = load_ok(loader, "memory-constrained");
  CHECK(small.parallel.memory_limit == 1ull << 30);
  CHECK(small.cache.l1_size < settings{}.cache.l1_size);
  auto fast = load_ok(loader, "high-performance");
  CHECK(fast.parallel.cpu_affinity);
  CHECK(fast.tuner.enabled);
  auto cpu = load_ok(loader, "cpu-constrained");
  CHECK(cpu.parallel.workers == 2u);
  auto ci = load_ok(loader, "ci");
  CHECK(ci.parallel.workers == 2u);
  CHECK(ci.agents.max_retries == 1u);
  CHECK_FALSE(ci.tuner.enabled);
}

TEST_CASE("shipped profiles load by path too") {
  auto loader = shipped_loader();
  auto path = loader.options().search_dirs.front() / "cluster.yaml";
  auto by_path = loader.load(path.string());
  REQUIRE(by_path.ok());
  CHECK(by_path.value->profile == path.string());
  CHECK(diff(*by_path.value, load_ok(loader, "cluster")).empty());
}
