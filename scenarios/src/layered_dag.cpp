#include "troupe/scenarios/layered_dag.hpp"

#include <algorithm>

namespace troupe::scenarios {

std::vector<std::vector<std::size_t>> layered_dag(std::size_t layers, std::size_t width,
                                                  std::size_t fan_in) {
  std::vector<std::vector<std::size_t>> deps(layers * width);
  fan_in = std::min(fan_in, width);
  for (std::size_t l = 1; l < layers; ++l) {
    for (std::size_t i = 0; i < width; ++i) {
      auto& d = deps[l * width + i];
      // Neighbour, a far task and a drifting one: a mix of local and
      // cross-cutting edges, like shards feeding the next agent's shards.
      for (std::size_t k = 0; d.size() < fan_in; ++k) {
        // After `width` tries, walk every index: always terminates.
        auto j = k < width ? (i + k * 37 + (k > 1 ? l : 0)) % width : (i + k) % width;
        auto dep = (l - 1) * width + j;
        if (std::find(d.begin(), d.end(), dep) == d.end())
          d.push_back(dep);
      }
    }
  }
  return deps;
}

} // namespace troupe::scenarios
