// File: the interface of a group-1 agent: one parsed file in, one record out.
//
// A run parses a file at most once, and only when some file agent's record
// is missing from the cache; every file agent then reads the same tree.
// Records travel and rest in their serialised (Cap'n Proto) form, so the
// cache, the nodes and the report all handle plain bytes.
//
// Usage (a host's own agent):
//
//   class line_count_agent final : public troupe::actors::file_agent {
//   public:
//     const agent_descriptor& descriptor() const noexcept override { return d_; }
//     std::string analyse(const syntax_tree&, std::string_view text) const override {
//       return std::to_string(std::count(text.begin(), text.end(), '\n'));
//     }
//     bool write_json(std::string_view rec, json_writer& out) const override {
//       out.raw("line_count", rec);
//       return true;
//     }
//   private:
//     agent_descriptor d_{"line_count", 1, agent_scope::per_item, {}, "lines"};
//   };
//
// Thread-safety: `analyse` and `write_json` are called from several worker
// threads at once and must not mutate shared state.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/agent_descriptor.hpp"
#include "troupe/actors/json_writer.hpp"
#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// A per-file (group 1) agent.
class file_agent {
public:
  virtual ~file_agent() = default;

  /// Id, version and edges; the id and version enter every cache key.
  virtual const agent_descriptor& descriptor() const noexcept = 0;

  /// Computes the record of one file from its syntax tree and UTF-8 text,
  /// in serialised form.
  virtual std::string analyse(const syntax_tree& tree, std::string_view utf8) const = 0;

  /// Writes the record's members into the file's object of report.json;
  /// false when `record` does not decode (a damaged record is recomputed).
  [[nodiscard]] virtual bool write_json(std::string_view record, json_writer& out) const = 0;
};

/// The built-in file agents other than `symbols` (which the run pipeline
/// handles itself, as every later group reads it): size, complexity,
/// imports, docstrings, todos, security, naming.
std::vector<std::shared_ptr<const file_agent>> builtin_file_agents();

} // namespace troupe::actors
