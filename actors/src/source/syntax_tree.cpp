// File: ownership and error counting of tree-sitter trees.
#include "troupe/actors/source/syntax_tree.hpp"

#include <utility>

namespace troupe::actors {

syntax_tree::syntax_tree(TSTree* tree) noexcept : tree_(tree) {
  syntax_errors_ = tree_ != nullptr ? count_syntax_errors(root()) : 1;
}

syntax_tree::syntax_tree(syntax_tree&& other) noexcept
  : tree_(std::exchange(other.tree_, nullptr)),
    syntax_errors_(std::exchange(other.syntax_errors_, 1)) {
  // nop
}

syntax_tree& syntax_tree::operator=(syntax_tree&& other) noexcept {
  if (this != &other) {
    if (tree_ != nullptr)
      ts_tree_delete(tree_);
    tree_ = std::exchange(other.tree_, nullptr);
    syntax_errors_ = std::exchange(other.syntax_errors_, 1);
  }
  return *this;
}

syntax_tree::~syntax_tree() {
  if (tree_ != nullptr)
    ts_tree_delete(tree_);
}

TSNode syntax_tree::root() const noexcept {
  if (tree_ == nullptr)
    return TSNode{};
  return ts_tree_root_node(tree_);
}

std::uint32_t count_syntax_errors(TSNode node) noexcept {
  if (ts_node_is_null(node))
    return 0;
  if (!ts_node_has_error(node))
    return 0;
  std::uint32_t errors = 0;
  auto cursor = ts_tree_cursor_new(node);
  // Depth-first walk that descends only where has_error says an error is.
  for (;;) {
    auto current = ts_tree_cursor_current_node(&cursor);
    if (ts_node_is_missing(current)
        || ts_node_symbol(current) == static_cast<TSSymbol>(-1))
      ++errors;
    if (ts_node_has_error(current) && ts_tree_cursor_goto_first_child(&cursor))
      continue;
    bool moved = false;
    while (!moved) {
      if (ts_tree_cursor_goto_next_sibling(&cursor)) {
        moved = true;
      } else if (!ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        return errors;
      }
    }
  }
}

} // namespace troupe::actors
