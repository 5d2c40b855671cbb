// File: the one walk that feeds both rule checkers (security, naming),
// memoised per thread like detail::symbols_of.
#include "file/checks_grammar.hpp"

#include <xxhash.h>

namespace troupe::actors::detail {

namespace {

struct checks_memo {
  const TSTree* tree = nullptr;
  const char* text = nullptr;
  std::size_t size = 0;
  std::uint64_t hash = 0;
  file_checks value;
};

/// A pass in the shared walk: it sees the nodes it asked for only. When it
/// declines a node's children while the other pass takes them, it sits out
/// that subtree.
struct pass_state {
  std::unique_ptr<check_pass> pass;
  static constexpr std::uint32_t active = UINT32_MAX;
  std::uint32_t skipping_below = active;

  bool sees(std::uint32_t depth) const noexcept {
    return skipping_below == active || depth <= skipping_below;
  }
};

file_checks walk_checks(const syntax_tree& tree, std::string_view utf8) {
  file_checks out;
  if (!tree)
    return out;
  auto root = tree.root();
  pass_state passes[] = {{make_security_pass(utf8, root, out.security)},
                         {make_naming_pass(utf8, root, out.naming)}};
  for (auto& p : passes)
    p.pass->begin(root);
  walk_tree(
    root,
    [&](TSNode node, std::uint32_t depth) {
      bool descend = false;
      for (auto& p : passes) {
        if (!p.sees(depth))
          continue;
        if (p.pass->enter(node, depth))
          descend = true;
        else
          p.skipping_below = depth;
      }
      return descend;
    },
    [&](TSNode node, std::uint32_t depth) {
      for (auto& p : passes) {
        if (!p.sees(depth))
          continue;
        p.pass->leave(node);
        if (p.skipping_below == depth)
          p.skipping_below = pass_state::active;
      }
    });
  for (auto& p : passes)
    p.pass->finish(root);
  return out;
}

} // namespace

const file_checks& checks_of(const syntax_tree& tree, std::string_view utf8) {
  thread_local checks_memo memo;
  auto hash = XXH3_64bits(utf8.data(), utf8.size());
  if (memo.tree != tree.get() || memo.text != utf8.data() || memo.size != utf8.size()
      || memo.hash != hash || !tree) {
    memo.value = walk_checks(tree, utf8);
    memo.tree = tree.get();
    memo.text = utf8.data();
    memo.size = utf8.size();
    memo.hash = hash;
  }
  return memo.value;
}

} // namespace troupe::actors::detail
