// File: "did you mean" suggestions for misspelled keys and words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace troupe::config::internal {

/// The edit distance (insertions, deletions, substitutions, transpositions).
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a typo.
std::string_view closest(std::string_view word,
                         const std::vector<std::string_view>& candidates);

/// "did you mean 'X'?" for a close candidate, else "expected one of a, b".
std::string suggestion(std::string_view word,
                       const std::vector<std::string_view>& candidates);

} // namespace troupe::config::internal
