#include <catch2/catch.hpp>

#include "troupe/runtime/task_graph.hpp"

using troupe::task_graph;
using troupe::task_spec;

TEST_CASE("upward rank is the longest cost path to an exit", "[runtime][graph]") {
  task_graph g;
  auto a = g.add({"a", {"x"}, 1.0, {}});
  auto b = g.add({"b", {"x"}, 2.0, {a}});
  auto c = g.add({"c", {"x"}, 5.0, {a}});
  auto d = g.add({"d", {"x"}, 1.0, {b, c}});
  auto ranks = g.upward_ranks();
  CHECK(ranks[d] == Approx(1.0));
  CHECK(ranks[c] == Approx(6.0));
  CHECK(ranks[b] == Approx(3.0));
  CHECK(ranks[a] == Approx(7.0));
  CHECK(g.critical_path() == Approx(7.0));
  CHECK(g.dependants(a) == std::vector<std::size_t>{b, c});
}

TEST_CASE("a dependency on a task not yet added is rejected", "[runtime][graph]") {
  task_graph g;
  CHECK_THROWS_AS(g.add({"a", {"x"}, 1.0, {0}}), std::invalid_argument);
  CHECK_THROWS_AS(g.add({"b", {}, 1.0, {}}), std::invalid_argument); // names no agent
  CHECK(g.size() == 0);
}
