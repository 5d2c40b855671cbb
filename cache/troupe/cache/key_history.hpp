// File: the last key parts seen per (agent, input), to explain misses.
//
// Usage:
//   key_history history;
//   history.load(cache_dir + "/key-history");  // optional, across runs
//   auto why = history.remember("python.symbols", "src/app.py", parts,
//                               parts.key(), /*missed=*/true);
//   if (why) for (auto& part : *why) report_changed(part);
//   history.save(cache_dir + "/key-history");
//
// Thread safety: every member function may be called from any thread (one
// internal mutex).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/cache/cache_error.hpp"
#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/key_parts.hpp"

namespace troupe::cache {

/// Remembers, per agent and logical input name, the key parts last looked
/// up, so that a miss can name the part that changed since ("why it
/// missed").
class key_history {
public:
  /// Stores `parts` (with its `key`) as the latest for (agent, input); when
  /// `missed` and an earlier entry exists, returns the names of the parts
  /// that differ from it (empty if the key is the same, i.e. the record was
  /// evicted or never stored), else nullopt. Costs no allocation when the
  /// key is unchanged.
  std::optional<std::vector<std::string>>
  remember(std::string_view agent, std::string_view input,
           const key_parts& parts, const cache_key& key, bool missed);

  /// The latest parts for (agent, input), if any.
  std::optional<key_parts> last(std::string_view agent,
                                std::string_view input) const;

  /// The number of (agent, input) pairs remembered.
  std::size_t size() const;

  /// Writes the history to `path` atomically (temporary file and rename).
  cache_error save(const std::string& path) const;

  /// Replaces the history with the one in `path`; a missing file is an empty
  /// history, a malformed one `errc::corrupt_record` (and an empty history).
  cache_error load(const std::string& path);

private:
  struct slot {
    std::string agent;
    std::string input;
  };

  struct slot_view {
    std::string_view agent;
    std::string_view input;
  };

  struct slot_less {
    using is_transparent = void;
    template <class X, class Y>
    bool operator()(const X& x, const Y& y) const noexcept {
      auto xa = std::string_view{x.agent};
      auto ya = std::string_view{y.agent};
      return xa != ya ? xa < ya
                      : std::string_view{x.input} < std::string_view{y.input};
    }
  };

  struct entry {
    cache_key key;
    key_parts parts;
  };

  mutable std::mutex mtx_;
  std::map<slot, entry, slot_less> entries_;
};

} // namespace troupe::cache
