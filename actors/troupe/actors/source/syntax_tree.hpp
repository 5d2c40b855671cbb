// File: an owned tree-sitter syntax tree of one Python file.
#pragma once

#include <cstdint>

#include <tree_sitter/api.h>

namespace troupe::actors {

/// Owns one TSTree; movable, not copyable. A tree is immutable once built, so
/// const access from several threads is safe.
class syntax_tree {
public:
  /// An empty tree (no root); `parse` returns one when tree-sitter gives up.
  syntax_tree() noexcept = default;

  /// Takes ownership of `tree` and counts its syntax errors.
  explicit syntax_tree(TSTree* tree) noexcept;

  syntax_tree(syntax_tree&& other) noexcept;
  syntax_tree& operator=(syntax_tree&& other) noexcept;
  syntax_tree(const syntax_tree&) = delete;
  syntax_tree& operator=(const syntax_tree&) = delete;
  ~syntax_tree();

  /// Whether the tree holds a parse result.
  explicit operator bool() const noexcept {
    return tree_ != nullptr;
  }

  /// The `module` node, or a null node for an empty tree.
  [[nodiscard]] TSNode root() const noexcept;

  /// Number of ERROR nodes plus MISSING nodes tree-sitter inserted while
  /// recovering; 0 means the file parsed cleanly (1 for an empty tree).
  [[nodiscard]] std::uint32_t syntax_errors() const noexcept {
    return syntax_errors_;
  }

  /// The underlying tree, still owned by this object.
  [[nodiscard]] const TSTree* get() const noexcept {
    return tree_;
  }

private:
  TSTree* tree_ = nullptr;
  std::uint32_t syntax_errors_ = 1;
};

/// Counts ERROR and MISSING nodes below `node`, visiting only subtrees that
/// contain an error, without recursion.
[[nodiscard]] std::uint32_t count_syntax_errors(TSNode node) noexcept;

} // namespace troupe::actors
