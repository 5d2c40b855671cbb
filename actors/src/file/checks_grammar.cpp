// File: grammar ids and helpers for the rule checkers.
#include "file/checks_grammar.hpp"
#include "source/python_grammar.hpp"

#include <cstring>
#include <locale.h>
#include <wctype.h>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace troupe::actors::detail {

namespace {

TSSymbol named(const TSLanguage* language, const char* name) {
  return ts_language_symbol_for_name(language, name,
                                     static_cast<std::uint32_t>(std::strlen(name)), true);
}

TSFieldId field(const TSLanguage* language, const char* name) {
  return ts_language_field_id_for_name(language, name,
                                       static_cast<std::uint32_t>(std::strlen(name)));
}

checks_grammar make_checks_grammar() {
  const auto* l = tree_sitter_python();
  checks_grammar g{};
  g.call = named(l, "call");
  g.attribute = named(l, "attribute");
  g.argument_list = named(l, "argument_list");
  g.keyword_argument = named(l, "keyword_argument");
  g.list_splat = named(l, "list_splat");
  g.dictionary_splat = named(l, "dictionary_splat");
  g.generator_expression = named(l, "generator_expression");
  g.identifier = named(l, "identifier");
  g.string = named(l, "string");
  g.concatenated_string = named(l, "concatenated_string");
  g.integer = named(l, "integer");
  g.float_ = named(l, "float");
  g.true_ = named(l, "true");
  g.false_ = named(l, "false");
  g.none = named(l, "none");
  g.list = named(l, "list");
  g.dictionary = named(l, "dictionary");
  g.tuple = named(l, "tuple");
  g.set = named(l, "set");
  g.parenthesized_expression = named(l, "parenthesized_expression");
  g.assignment = named(l, "assignment");
  g.augmented_assignment = named(l, "augmented_assignment");
  g.named_expression = named(l, "named_expression");
  g.import_statement = named(l, "import_statement");
  g.import_from_statement = named(l, "import_from_statement");
  g.future_import_statement = named(l, "future_import_statement");
  g.aliased_import = named(l, "aliased_import");
  g.dotted_name = named(l, "dotted_name");
  g.relative_import = named(l, "relative_import");
  g.wildcard_import = named(l, "wildcard_import");
  g.comparison_operator = named(l, "comparison_operator");
  g.function_definition = named(l, "function_definition");
  g.class_definition = named(l, "class_definition");
  g.decorated_definition = named(l, "decorated_definition");
  g.decorator = named(l, "decorator");
  g.parameters = named(l, "parameters");
  g.lambda_parameters = named(l, "lambda_parameters");
  g.default_parameter = named(l, "default_parameter");
  g.typed_default_parameter = named(l, "typed_default_parameter");
  g.typed_parameter = named(l, "typed_parameter");
  g.list_splat_pattern = named(l, "list_splat_pattern");
  g.dictionary_splat_pattern = named(l, "dictionary_splat_pattern");
  g.positional_separator = named(l, "positional_separator");
  g.keyword_separator = named(l, "keyword_separator");
  g.block = named(l, "block");
  g.module = named(l, "module");
  g.expression_statement = named(l, "expression_statement");
  g.global_statement = named(l, "global_statement");
  g.with_statement = named(l, "with_statement");
  g.with_clause = named(l, "with_clause");
  g.with_item = named(l, "with_item");
  g.as_pattern = named(l, "as_pattern");
  g.as_pattern_target = named(l, "as_pattern_target");
  g.for_statement = named(l, "for_statement");
  g.for_in_clause = named(l, "for_in_clause");
  g.list_comprehension = named(l, "list_comprehension");
  g.set_comprehension = named(l, "set_comprehension");
  g.dictionary_comprehension = named(l, "dictionary_comprehension");
  g.except_clause = named(l, "except_clause");
  g.except_group_clause = named(l, "except_group_clause");
  g.try_statement = named(l, "try_statement");
  g.if_statement = named(l, "if_statement");
  g.elif_clause = named(l, "elif_clause");
  g.else_clause = named(l, "else_clause");
  g.while_statement = named(l, "while_statement");
  g.finally_clause = named(l, "finally_clause");
  g.pattern_list = named(l, "pattern_list");
  g.tuple_pattern = named(l, "tuple_pattern");
  g.list_pattern = named(l, "list_pattern");
  g.expression_list = named(l, "expression_list");
  g.comment = named(l, "comment");
  g.line_continuation = named(l, "line_continuation");
  g.interpolation = named(l, "interpolation");
  g.pair = named(l, "pair");
  g.if_clause = named(l, "if_clause");
  g.case_clause = named(l, "case_clause");
  g.type = named(l, "type");
  g.parenthesized_list_splat = named(l, "parenthesized_list_splat");
  g.format_specifier = named(l, "format_specifier");
  g.match_statement = named(l, "match_statement");
  g.function_field = field(l, "function");
  g.arguments_field = field(l, "arguments");
  g.object_field = field(l, "object");
  g.attribute_field = field(l, "attribute");
  g.name_field = field(l, "name");
  g.value_field = field(l, "value");
  g.left_field = field(l, "left");
  g.right_field = field(l, "right");
  g.type_field = field(l, "type");
  g.alias_field = field(l, "alias");
  g.body_field = field(l, "body");
  g.parameters_field = field(l, "parameters");
  g.superclasses_field = field(l, "superclasses");
  g.definition_field = field(l, "definition");
  g.module_name_field = field(l, "module_name");
  return g;
}

std::string_view text_of(TSNode node, std::string_view utf8) noexcept {
  return node_text(node, utf8);
}

/// The prefix letters of one string token (`rb`, `f`, ``) and whether it is
/// raw, bytes or formatted.
struct string_prefix {
  std::size_t length = 0;
  bool raw = false, bytes = false, formatted = false;
};

string_prefix prefix_of(std::string_view token) noexcept {
  string_prefix p;
  while (p.length < token.size() && token[p.length] != '\'' && token[p.length] != '"') {
    switch (token[p.length]) {
    case 'r': case 'R': p.raw = true; break;
    case 'b': case 'B': p.bytes = true; break;
    case 'f': case 'F': p.formatted = true; break;
    default: break;
    }
    ++p.length;
  }
  return p;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Appends the value of one string token (`'a\tb'`, `r"x"`) to `out`.
void decode_token(std::string_view token, str_value& out) {
  auto p = prefix_of(token);
  token.remove_prefix(p.length);
  if (token.empty())
    return;
  std::size_t quote = token.size() >= 6 && token[1] == token[0] && token[2] == token[0] ? 3 : 1;
  if (token.size() < 2 * quote) {
    out.known = false;
    return;
  }
  auto body = token.substr(quote, token.size() - 2 * quote);
  if (p.raw) {
    out.value += body;
    return;
  }
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out.value += c;
      continue;
    }
    char e = body[++i];
    switch (e) {
    case '\n': break;
    case '\r':
      if (i + 1 < body.size() && body[i + 1] == '\n')
        ++i;
      break;
    case '\\': out.value += '\\'; break;
    case '\'': out.value += '\''; break;
    case '"': out.value += '"'; break;
    case 'a': out.value += '\a'; break;
    case 'b': out.value += '\b'; break;
    case 'f': out.value += '\f'; break;
    case 'n': out.value += '\n'; break;
    case 'r': out.value += '\r'; break;
    case 't': out.value += '\t'; break;
    case 'v': out.value += '\v'; break;
    case 'x': case 'u': case 'U': {
      std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      std::uint32_t cp = 0;
      bool ok = true;
      for (std::size_t k = 1; ok && k <= digits; ++k) {
        int d = i + k < body.size() ? hex_digit(body[i + k]) : -1;
        ok = d >= 0;
        cp = cp * 16 + static_cast<std::uint32_t>(d < 0 ? 0 : d);
      }
      if (!ok || cp > 0x10ffff) {
        out.known = false;
        out.value += '\x01';
        break;
      }
      append_utf8(out.value, cp);
      i += digits;
      break;
    }
    case 'N':
      out.known = false;
      out.value += '\x01';
      while (i < body.size() && body[i] != '}')
        ++i;
      break;
    default:
      if (e >= '0' && e <= '7') {
        std::uint32_t cp = static_cast<std::uint32_t>(e - '0');
        for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7';
             ++k)
          cp = cp * 8 + static_cast<std::uint32_t>(body[++i] - '0');
        append_utf8(out.value, cp);
      } else {
        out.value += '\\';
        out.value += e;
      }
    }
  }
}

locale_t utf8_locale() noexcept {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

struct cp_case {
  bool upper = false, lower = false, title = false, lower_changes = false;
};

cp_case classify(std::uint32_t cp) noexcept {
  cp_case c;
  if (cp < 0x80) {
    c.upper = cp >= 'A' && cp <= 'Z';
    c.lower = cp >= 'a' && cp <= 'z';
    c.lower_changes = c.upper;
    return c;
  }
  auto loc = utf8_locale();
  if (loc == static_cast<locale_t>(nullptr))
    return c; // no case tables: non-ASCII letters count as caseless
  auto wc = static_cast<wint_t>(cp);
  auto lo = towlower_l(wc, loc);
  auto up = towupper_l(wc, loc);
  c.title = lo != wc && up != wc;
  c.upper = !c.title && iswupper_l(wc, loc) != 0;
  c.lower = !c.title && iswlower_l(wc, loc) != 0;
  c.lower_changes = lo != wc || cp == 0x130;
  return c;
}

/// The next code point of `s` at `i` (advancing `i`); invalid bytes decode
/// as themselves (caseless).
std::uint32_t next_cp(std::string_view s, std::size_t& i) noexcept {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  std::size_t n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
  if (n == 0 || i + n >= s.size()) {
    ++i;
    return 0xfffd;
  }
  std::uint32_t cp = c & (0x3fu >> n);
  for (std::size_t k = 1; k <= n; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3fu);
  i += n + 1;
  return cp;
}

} // namespace

const checks_grammar& check_symbols() noexcept {
  static const checks_grammar instance = make_checks_grammar();
  return instance;
}

bool holds_statements(TSSymbol symbol) noexcept {
  static const std::vector<char> table = [] {
    const auto& g = check_symbols();
    std::vector<char> t(ts_language_symbol_count(tree_sitter_python()) + 1, 0);
    for (auto s : {g.module, g.block, g.expression_statement, g.if_statement, g.elif_clause,
                   g.else_clause, g.for_statement, g.while_statement, g.try_statement,
                   g.except_clause, g.except_group_clause, g.finally_clause, g.with_statement,
                   g.with_clause, g.match_statement, g.case_clause, g.function_definition,
                   g.class_definition, g.decorated_definition})
      if (s < t.size())
        t[s] = 1;
    return t;
  }();
  if (symbol == static_cast<TSSymbol>(-1))
    return true; // ERROR: anything may be inside
  return symbol < table.size() && table[symbol] != 0;
}

TSNode unwrap(TSNode node) noexcept {
  const auto& g = check_symbols();
  if (ts_node_is_null(node))
    return node;
  for (;;) {
    auto symbol = symbol_of(node);
    if (symbol != g.parenthesized_expression && symbol != g.tuple_pattern)
      return node;
    TSNode only{};
    bool comma = false;
    std::uint32_t named_count = 0;
    auto count = ts_node_child_count(node);
    for (std::uint32_t i = 0; i < count; ++i) {
      auto child = ts_node_child(node, i);
      if (ts_node_is_extra(child))
        continue;
      if (!ts_node_is_named(child)) {
        auto t = ts_node_type(child);
        comma = comma || (t[0] == ',' && t[1] == '\0');
        continue;
      }
      ++named_count;
      only = child;
    }
    if (named_count != 1 || comma)
      return node;
    node = only;
  }
}

void named_children(TSNode node, TSTreeCursor& cursor, std::vector<TSNode>& out) {
  out.clear();
  ts_tree_cursor_reset(&cursor, node);
  if (!ts_tree_cursor_goto_first_child(&cursor))
    return;
  do {
    auto child = ts_tree_cursor_current_node(&cursor);
    if (ts_node_is_named(child) && !ts_node_is_extra(child))
      out.push_back(child);
  } while (ts_tree_cursor_goto_next_sibling(&cursor));
}

literal_kind string_kind(TSNode node, std::string_view utf8) noexcept {
  const auto& g = check_symbols();
  if (symbol_of(node) == g.string) {
    auto p = prefix_of(text_of(node, utf8));
    return p.formatted ? literal_kind::fstring : p.bytes ? literal_kind::bytes : literal_kind::str;
  }
  // Implicit concatenation: any f-string part makes a JoinedStr.
  auto kind = literal_kind::str;
  auto count = ts_node_named_child_count(node);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto part = ts_node_named_child(node, i);
    if (symbol_of(part) != g.string)
      continue;
    auto p = prefix_of(text_of(part, utf8));
    if (p.formatted)
      return literal_kind::fstring;
    if (p.bytes)
      kind = literal_kind::bytes;
  }
  return kind;
}

bool is_str_literal(TSNode node, std::string_view utf8) noexcept {
  const auto& g = check_symbols();
  node = unwrap(node);
  auto symbol = symbol_of(node);
  if (symbol != g.string && symbol != g.concatenated_string)
    return false;
  return string_kind(node, utf8) == literal_kind::str;
}

str_value decode_str_literal(TSNode node, std::string_view utf8) {
  const auto& g = check_symbols();
  node = unwrap(node);
  str_value out;
  if (ts_node_is_null(node))
    return out;
  if (symbol_of(node) == g.string) {
    decode_token(text_of(node, utf8), out);
    return out;
  }
  auto count = ts_node_named_child_count(node);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto part = ts_node_named_child(node, i);
    if (symbol_of(part) == g.string)
      decode_token(text_of(part, utf8), out);
  }
  return out;
}

std::string dotted_text(TSNode node, std::string_view utf8) {
  const auto& g = check_symbols();
  if (symbol_of(node) != g.dotted_name)
    return std::string{text_of(node, utf8)};
  std::string out;
  auto count = ts_node_named_child_count(node);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto part = ts_node_named_child(node, i);
    if (symbol_of(part) != g.identifier)
      continue;
    if (!out.empty())
      out += '.';
    out += text_of(part, utf8);
  }
  return out;
}

bool py_lower_changes(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();)
    if (classify(next_cp(s, i)).lower_changes)
      return true;
  return false;
}

bool py_isupper(std::string_view s) noexcept {
  bool cased = false;
  for (std::size_t i = 0; i < s.size();) {
    auto c = classify(next_cp(s, i));
    if (c.lower || c.title)
      return false;
    cased = cased || c.upper;
  }
  return cased;
}

bool py_islower(std::string_view s) noexcept {
  bool cased = false;
  for (std::size_t i = 0; i < s.size();) {
    auto c = classify(next_cp(s, i));
    if (c.upper || c.title)
      return false;
    cased = cased || c.lower;
  }
  return cased;
}

bool py_first_isupper(std::string_view s) noexcept {
  if (s.empty())
    return false;
  std::size_t i = 0;
  return classify(next_cp(s, i)).upper;
}

bool py_first_islower(std::string_view s) noexcept {
  if (s.empty())
    return false;
  std::size_t i = 0;
  return classify(next_cp(s, i)).lower;
}

std::string py_upper_chars(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    auto start = i;
    if (classify(next_cp(s, i)).upper)
      out += s.substr(start, i - start);
  }
  return out;
}

std::size_t find_nocase(std::string_view text, std::string_view needle,
                        std::size_t from) noexcept {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  if (needle.empty() || text.size() < needle.size())
    return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= text.size(); ++i) {
    if (lower(text[i]) != needle[0])
      continue;
    std::size_t k = 1;
    while (k < needle.size() && lower(text[i + k]) == needle[k])
      ++k;
    if (k == needle.size())
      return i;
  }
  return std::string_view::npos;
}

} // namespace troupe::actors::detail
