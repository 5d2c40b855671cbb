// File: the tree-sitter parser for Python.
#include "troupe/actors/python_parser.hpp"

#include "python_prescan.hpp"

#include <cstdint>
#include <limits>
#include <new>
#include <string>
#include <utility>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace troupe::actors {

python_parser::python_parser() : parser_(ts_parser_new()) {
  if (parser_ == nullptr)
    throw std::bad_alloc{};
  ts_parser_set_language(parser_, tree_sitter_python());
}

python_parser::python_parser(python_parser&& other) noexcept
  : parser_(std::exchange(other.parser_, nullptr)) {
  // nop
}

python_parser& python_parser::operator=(python_parser&& other) noexcept {
  if (this != &other) {
    if (parser_ != nullptr)
      ts_parser_delete(parser_);
    parser_ = std::exchange(other.parser_, nullptr);
  }
  return *this;
}

python_parser::~python_parser() {
  if (parser_ != nullptr)
    ts_parser_delete(parser_);
}

void python_parser::set_timeout(std::chrono::microseconds limit) noexcept {
  if (parser_ != nullptr)
    ts_parser_set_timeout_micros(parser_,
                                 static_cast<std::uint64_t>(limit.count()));
}

syntax_tree python_parser::parse(std::string_view utf8) {
  if (parser_ == nullptr
      || utf8.size() >= std::numeric_limits<std::uint32_t>::max())
    return syntax_tree{};
  // Every stack entry stands for at least one byte (or a zero-width dedent
  // after an indent), so a small file cannot get near the depth at which
  // libtree-sitter 0.20.7 corrupts its heap.
  constexpr std::size_t always_safe_bytes = 16 * 1024;
  if (utf8.size() > always_safe_bytes
      && detail::estimate_parse_depth(utf8) > detail::max_parse_depth)
    return syntax_tree{};
  auto tree = parse_once(utf8);
  if (tree.syntax_errors() == 0 || !tree)
    return tree;
  // Maybe the scanner's dedent-inside-brackets bug: retry on a copy whose
  // continuation lines are indented with tabs (same length, same positions).
  std::string widened{utf8};
  if (!detail::widen_bracket_indentation(widened))
    return tree;
  auto retry = parse_once(widened);
  if (retry && retry.syntax_errors() < tree.syntax_errors())
    return retry;
  return tree;
}

syntax_tree python_parser::parse_once(std::string_view utf8) {
  auto* tree = ts_parser_parse_string(parser_, nullptr, utf8.data(),
                                      static_cast<std::uint32_t>(utf8.size()));
  if (tree == nullptr) // timed out: drop the partial parse state
    ts_parser_reset(parser_);
  return syntax_tree{tree};
}

} // namespace troupe::actors
