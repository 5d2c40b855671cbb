// File: the parse-depth estimate that keeps pathological nesting away from
// libtree-sitter 0.20.7 (see python_prescan.hpp).
#include "source/python_prescan.hpp"

#include <cctype>
#include <cstdint>
#include <vector>

namespace troupe::actors::detail {

namespace {

bool is_name_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

// Python keywords that are not operands.
bool is_operator_keyword(std::string_view word) {
  static constexpr std::string_view words[] = {
    "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from",
    "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
    "pass", "raise", "return", "try", "while", "with", "yield"};
  for (auto candidate : words)
    if (word == candidate)
      return true;
  return false;
}

// Keywords after which the parser keeps what precedes them on its stack until
// the whole expression to their right is complete.
bool is_nesting_keyword(std::string_view word) {
  return word == "not" || word == "await" || word == "yield" || word == "if"
         || word == "else";
}

// Stack entries tree-sitter cannot reduce yet inside one bracket (or at
// statement level). Operands and left-associative operators reduce at once;
// prefix operators, `**`, ternaries, assignments and lambdas nest rightwards.
struct pending_level {
  std::uint32_t since_comma = 0; // nesting entries since the last comma
  std::uint32_t sticky = 0;      // assignment and lambda heads
  std::uint32_t open_lambdas = 0;
};

class depth_counter {
public:
  /// A token that nests what follows it (weight: entries it leaves behind).
  void nesting(std::uint32_t weight = 2) {
    levels_.back().since_comma += weight;
    add(weight);
    operand_ = false;
  }

  /// A left-associative operator or keyword.
  void infix() {
    operand_ = false;
  }

  void operand() {
    operand_ = true;
  }

  bool after_operand() const {
    return operand_;
  }

  void comma() {
    auto& level = levels_.back();
    operand_ = false;
    if (level.open_lambdas > 0)
      return; // a parameter list reduces only at its ':'
    // The element before the comma stays until the next one completes.
    total_ -= level.since_comma;
    level.since_comma = 2;
    add(2);
  }

  void assignment() {
    if (levels_.size() > 1) { // a keyword argument or a default value
      infix();
      return;
    }
    auto& level = levels_.back();
    total_ -= level.since_comma;
    level.since_comma = 0;
    level.sticky += 2;
    operand_ = false;
    add(2);
  }

  void lambda() {
    auto& level = levels_.back();
    ++level.open_lambdas;
    level.sticky += 3;
    operand_ = false;
    add(3);
  }

  void colon() {
    auto& level = levels_.back();
    if (level.open_lambdas > 0)
      --level.open_lambdas;
    operand_ = false;
  }

  void open() {
    levels_.push_back({});
    operand_ = false;
    add(2);
  }

  void close() {
    operand_ = true;
    if (levels_.size() == 1)
      return;
    const auto& level = levels_.back();
    total_ -= 2 + level.since_comma + level.sticky;
    levels_.pop_back();
  }

  void end_statement() {
    operand_ = false;
    if (levels_.size() != 1)
      return;
    levels_.back() = {};
    total_ = 0;
  }

  std::size_t max() const {
    return max_;
  }

private:
  void add(std::uint32_t weight) {
    total_ += weight;
    if (total_ > max_)
      max_ = total_;
  }

  std::vector<pending_level> levels_{1};
  std::size_t total_ = 0;
  std::size_t max_ = 0;
  bool operand_ = false;
};

} // namespace

std::size_t estimate_parse_depth(std::string_view text) {
  depth_counter depth;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (c) {
      case '#':
        while (i < text.size() && text[i] != '\n')
          ++i;
        break;
      case '\'':
      case '"':
        i = skip_string_literal(text, i);
        depth.operand();
        break;
      case '\\': // a line continuation, or a stray backslash
        i += next == '\r' ? 3 : 2;
        break;
      case '\n':
      case ';':
        depth.end_statement();
        ++i;
        break;
      case ' ': case '\t': case '\f': case '\r':
        ++i;
        break;
      case '(': case '[': case '{':
        depth.open();
        ++i;
        break;
      case ')': case ']': case '}':
        depth.close();
        ++i;
        break;
      case ',':
        depth.comma();
        ++i;
        break;
      case ':':
        if (next == '=') {
          depth.nesting();
          i += 2;
        } else {
          depth.colon();
          ++i;
        }
        break;
      case '=':
        if (next == '=') {
          depth.infix();
          i += 2;
        } else {
          depth.assignment();
          ++i;
        }
        break;
      case '*':
        if (next == '*' || !depth.after_operand())
          depth.nesting(); // `**` is right-associative; `*x` unpacks
        else
          depth.infix();
        i += next == '*' ? 2 : 1;
        break;
      case '-': case '+': case '~':
        if (depth.after_operand())
          depth.infix();
        else
          depth.nesting(); // a unary operator
        ++i;
        break;
      default:
        if (is_name_char(c)) {
          auto start = i;
          while (i < text.size() && is_name_char(text[i]))
            ++i;
          auto word = text.substr(start, i - start);
          if (word == "lambda")
            depth.lambda();
          else if (is_nesting_keyword(word))
            depth.nesting();
          else if (is_operator_keyword(word))
            depth.infix();
          else
            depth.operand(); // names, numbers, string prefixes
        } else {
          // `<=`, `>=`, `!=`, `->`, `+=`-style operators are infix as well.
          depth.infix();
          i += next == '=' || (c == '-' && next == '>') ? 2 : 1;
        }
        break;
    }
  }
  return depth.max();
}

} // namespace troupe::actors::detail
