// File: flake8's noqa comments (troupe/actors/source/noqa.hpp).
#include "troupe/actors/source/noqa.hpp"

#include <string>

#include "file/checks_grammar.hpp"

namespace troupe::actors {

namespace {

bool python_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// Whether `text` at `at` reads `lower`, ignoring ASCII case.
bool reads_nocase(std::string_view text, std::size_t at, std::string_view lower) noexcept {
  if (at + lower.size() > text.size())
    return false;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    char c = text[at + i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) != lower[i])
      return false;
  }
  return true;
}

} // namespace

noqa_marks find_noqa(std::string_view text) noexcept {
  noqa_marks out;
  for (auto at = text.find('#'); at != std::string_view::npos; at = text.find('#', at + 1)) {
    if (reads_nocase(text, at, "# noqa"))
      out.inline_comment = true;
    if (!reads_nocase(text, at, "# flake8"))
      continue;
    auto before = at;
    while (before > 0 && text[before - 1] != '\n' && python_space(text[before - 1]))
      --before;
    if (before > 0 && text[before - 1] != '\n')
      continue; // code before it on the line
    auto i = at + 8;
    if (i >= text.size() || (text[i] != ':' && text[i] != '='))
      continue;
    ++i;
    while (i < text.size() && python_space(text[i]))
      ++i;
    if (reads_nocase(text, i, "noqa"))
      out.file = true;
  }
  return out;
}

/// Whether flake8's NOQA_INLINE_REGEXP, searched in `lines`, silences `code`.
bool noqa_silences(std::string_view lines, std::string_view code) {
  auto at = detail::find_nocase(lines, "# noqa");
  if (at == std::string_view::npos)
    return false;
  // (?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?, ignoring case
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto codes_at = [&](std::size_t i) {
    std::size_t end = i;
    for (;;) {
      std::size_t j = end;
      while (j < lines.size() && alpha(lines[j]))
        ++j;
      std::size_t k = j;
      while (k < lines.size() && digit(lines[k]))
        ++k;
      if (j == end || k == j)
        break;
      while (k < lines.size() && (lines[k] == ',' || python_space(lines[k])))
        ++k;
      end = k;
    }
    return end;
  };
  std::size_t i = at + 6;
  std::string_view codes;
  if (i < lines.size() && lines[i] == ':') {
    ++i;
    // `[\s]?` takes one space if there is one; the codes must follow.
    if (i < lines.size() && python_space(lines[i]))
      ++i;
    codes = lines.substr(i, codes_at(i) - i);
  }
  if (codes.empty())
    return true; // a bare # noqa
  // utils.parse_comma_separated_list, then `code in codes or
  // code.startswith(tuple(codes))`.
  std::size_t p = 0;
  while (p < codes.size()) {
    while (p < codes.size() && (codes[p] == ',' || python_space(codes[p])))
      ++p;
    auto q = p;
    while (q < codes.size() && codes[q] != ',' && !python_space(codes[q]))
      ++q;
    if (q > p && code.substr(0, q - p) == codes.substr(p, q - p))
      return true;
    p = q;
  }
  return false;
}

} // namespace troupe::actors
