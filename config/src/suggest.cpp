#include "internal/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace troupe::config::internal {

size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance, case-insensitive.
  auto same = [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x))
           == std::tolower(static_cast<unsigned char>(y));
  };
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2])
          && same(a[i - 2], b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string_view closest(std::string_view word,
                         const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_distance = std::max<size_t>(1, word.size() / 3) + 1;
  for (auto candidate : candidates) {
    auto distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string suggestion(std::string_view word,
                       const std::vector<std::string_view>& candidates) {
  if (auto best = closest(word, candidates); !best.empty())
    return "did you mean '" + std::string{best} + "'?";
  std::string text = "expected one of ";
  for (size_t i = 0; i < candidates.size(); ++i) {
    text += i == 0 ? "" : ", ";
    text += candidates[i];
  }
  return text;
}

} // namespace troupe::config::internal
