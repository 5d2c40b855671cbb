// File: the tree-sitter parser for Python.
#include "troupe/actors/python_parser.hpp"

#include <cstdint>
#include <limits>
#include <new>
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
  auto* tree = ts_parser_parse_string(parser_, nullptr, utf8.data(),
                                      static_cast<std::uint32_t>(utf8.size()));
  if (tree == nullptr) // timed out: drop the partial parse state
    ts_parser_reset(parser_);
  return syntax_tree{tree};
}

} // namespace troupe::actors
