// File: the named parts a cache key is made of, and "why it missed".
//
// Usage:
//   key_parts parts;
//   parts.agent_id = "python.symbols";
//   parts.agent_version = "3";
//   parts.grammar_version = "tree-sitter-python 0.20.4";
//   parts.settings = canonical_settings({{"max_depth", "8"}});
//   parts.input = content_digest(file_bytes);
//   parts.upstream = {{"python.parse", parse_record_digest}};
//   cache_key key = parts.key();
//   ...
//   for (auto& name : diff_key_parts(previous_parts, parts))
//     log("missed because {} changed", name);
//
// Thread safety: plain values; `key()` and `diff_key_parts` are pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/digest.hpp"

namespace troupe::cache {

/// The digest of one upstream record an agent's output depends on.
struct upstream_digest {
  /// The upstream agent (or record) name; parts are matched by it in diffs.
  std::string name;
  /// The content digest of that upstream record.
  digest value;

  /// Whether name and digest are both equal.
  friend bool operator==(const upstream_digest& x,
                         const upstream_digest& y) noexcept {
    return x.name == y.name && x.value == y.value;
  }
};

/// Everything a cached record depends on; never a path.
struct key_parts {
  /// The agent that produced the record.
  std::string agent_id;
  /// The agent's version; bump it whenever its output changes.
  std::string agent_version;
  /// The grammar (parser) version the agent used; empty if none.
  std::string grammar_version;
  /// The settings that change the agent's output, as a canonical string.
  std::string settings;
  /// The content digest of the input (never its path).
  digest input;
  /// The digests of upstream records; order does not matter.
  std::vector<upstream_digest> upstream;

  /// The XXH3-128 key of these parts (upstream sorted by name first).
  cache_key key() const;
};

/// Whether two parts describe the same key.
bool operator==(const key_parts& x, const key_parts& y) noexcept;

/// Whether two parts describe different keys.
inline bool operator!=(const key_parts& x, const key_parts& y) noexcept {
  return !(x == y);
}

/// Names of the parts that differ between `old_parts` and `new_parts`, in a
/// fixed order: "agent_id", "agent_version", "grammar_version", "settings",
/// "input", then "upstream:<name>" for each upstream record that changed,
/// appeared or disappeared; empty when the keys are equal.
std::vector<std::string> diff_key_parts(const key_parts& old_parts,
                                        const key_parts& new_parts);

/// Renders settings as "key=value" lines sorted by key, so that equal
/// settings always produce the same `key_parts::settings` string.
std::string
canonical_settings(const std::map<std::string, std::string>& settings);

} // namespace troupe::cache
