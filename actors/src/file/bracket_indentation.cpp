// File: the in-bracket indentation repair (see python_prescan.hpp) and the
// string skipping both prescan passes share.
#include "source/python_prescan.hpp"

namespace troupe::actors::detail {

std::size_t skip_string_literal(std::string_view text, std::size_t start) {
  auto i = start;
  char quote = text[i];
  bool triple = i + 2 < text.size() && text[i + 1] == quote
                && text[i + 2] == quote;
  i += triple ? 3 : 1;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\\') {
      i += 2;
    } else if (c == quote) {
      if (!triple)
        return i + 1;
      if (i + 2 < text.size() && text[i + 1] == quote && text[i + 2] == quote)
        return i + 3;
      ++i;
    } else if (c == '\n' && !triple) {
      return i; // unterminated: Python stops the token at the line end
    } else {
      ++i;
    }
  }
  return text.size();
}

bool widen_bracket_indentation(std::string& text) {
  bool changed = false;
  std::size_t depth = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    switch (c) {
      case '#':
        while (i < text.size() && text[i] != '\n')
          ++i;
        break;
      case '\'':
      case '"':
        i = skip_string_literal(text, i);
        break;
      case '(': case '[': case '{':
        ++depth;
        ++i;
        break;
      case ')': case ']': case '}':
        if (depth > 0)
          --depth;
        ++i;
        break;
      case '\n':
        ++i;
        if (depth > 0) {
          for (; i < text.size() && (text[i] == ' ' || text[i] == '\f'
                                     || text[i] == '\t');
               ++i) {
            changed |= text[i] != '\t';
            text[i] = '\t';
          }
        }
        break;
      default: // names and string prefixes hold no quote, bracket or '#'
        ++i;
        break;
    }
  }
  return changed;
}


} // namespace troupe::actors::detail
