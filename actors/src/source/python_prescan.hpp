// File: cheap token-level passes over Python source that run before (or
// instead of) tree-sitter, to work around two defects of the pinned parser
// (private to the actors component).
//
// 1. The grammar's external scanner emits a DEDENT when a line inside
//    brackets starts left of the enclosing block and no closing bracket may
//    follow yet (`(a.` then a line `b)` further left), although Python ignores
//    indentation inside brackets: a valid file parses with errors.
// 2. libtree-sitter 0.20.7 corrupts its heap when error recovery meets a
//    parse stack of about 65,535 entries (a 16-bit repeat depth wraps), e.g.
//    25,000 unfinished `x if y else` or 65,535 unclosed `(`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace troupe::actors::detail {

/// Skips the string literal whose opening quote is at `start`; returns the
/// offset after it, or where Python ends an unterminated one. In 3.11 an
/// f-string is one token, so it is skipped like any other string.
std::size_t skip_string_literal(std::string_view text, std::size_t start);

/// Replaces the leading blanks of every line that continues inside brackets
/// with tabs (which the scanner counts as 8 columns), so that no such line
/// reads as a dedent. Byte offsets, rows and columns are unchanged. Strings
/// and comments are tokenized as Python 3.11 does. Returns whether anything
/// changed.
bool widen_bracket_indentation(std::string& text);

/// An upper estimate of the parse-stack depth tree-sitter needs for `text`:
/// per open bracket, the tokens not yet reducible (since the last comma of
/// that bracket, assignments and lambda heads included). Flat literals of any
/// size stay small; only deep nesting or long right-recursive chains grow.
std::size_t estimate_parse_depth(std::string_view text);

/// The estimate above which `python_parser` refuses a file; Python itself
/// rejects nesting beyond 200 brackets or about 6,000 parser levels.
constexpr std::size_t max_parse_depth = 30000;

} // namespace troupe::actors::detail
