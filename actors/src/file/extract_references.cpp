// File: one walk over every node of a file for the reference half of the
// `symbols` record: names, attributes, `__all__`, calls per def, signatures
// and normalised body hashes.
#include "troupe/actors/file/extract_references.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include "file/metrics_grammar.hpp"
#include "source/python_grammar.hpp"
#include "troupe/actors/file/extract_symbols.hpp"

extern "C" const TSLanguage* tree_sitter_python(void);

namespace troupe::actors {

namespace {

using detail::node_text;

/// Node types and fields the reference walk tells apart.
struct reference_grammar {
  TSSymbol identifier, attribute, call, keyword_argument, parameters, lambda_parameters,
    default_parameter, typed_default_parameter, typed_parameter, list_splat_pattern,
    dictionary_splat_pattern, import_statement, import_from_statement, future_import_statement,
    global_statement, nonlocal_statement, assignment, augmented_assignment, list, tuple, string,
    string_start, string_content, interpolation, concatenated_string, type, integer, float_,
    true_, false_, none, function_definition, class_definition, comment, argument_list,
    binary_operator, subscript;
  TSFieldId value, name, function, attribute_field, object, left, right, type_field, parameters_field,
    return_type, arguments;
};

TSSymbol symbol_of(const TSLanguage* lang, const char* name) {
  return ts_language_symbol_for_name(lang, name, static_cast<std::uint32_t>(std::strlen(name)),
                                     true);
}

TSFieldId field_of(const TSLanguage* lang, const char* name) {
  return ts_language_field_id_for_name(lang, name, static_cast<std::uint32_t>(std::strlen(name)));
}

const reference_grammar& ids() {
  static const reference_grammar g = [] {
    const auto* l = tree_sitter_python();
    reference_grammar r{};
    r.identifier = symbol_of(l, "identifier");
    r.attribute = symbol_of(l, "attribute");
    r.call = symbol_of(l, "call");
    r.keyword_argument = symbol_of(l, "keyword_argument");
    r.parameters = symbol_of(l, "parameters");
    r.lambda_parameters = symbol_of(l, "lambda_parameters");
    r.default_parameter = symbol_of(l, "default_parameter");
    r.typed_default_parameter = symbol_of(l, "typed_default_parameter");
    r.typed_parameter = symbol_of(l, "typed_parameter");
    r.list_splat_pattern = symbol_of(l, "list_splat_pattern");
    r.dictionary_splat_pattern = symbol_of(l, "dictionary_splat_pattern");
    r.import_statement = symbol_of(l, "import_statement");
    r.import_from_statement = symbol_of(l, "import_from_statement");
    r.future_import_statement = symbol_of(l, "future_import_statement");
    r.global_statement = symbol_of(l, "global_statement");
    r.nonlocal_statement = symbol_of(l, "nonlocal_statement");
    r.assignment = symbol_of(l, "assignment");
    r.augmented_assignment = symbol_of(l, "augmented_assignment");
    r.list = symbol_of(l, "list");
    r.tuple = symbol_of(l, "tuple");
    r.string = symbol_of(l, "string");
    r.subscript = symbol_of(l, "subscript");
    r.value = field_of(l, "value");
    r.string_start = symbol_of(l, "string_start");
    r.string_content = symbol_of(l, "string_content");
    r.interpolation = symbol_of(l, "interpolation");
    r.concatenated_string = symbol_of(l, "concatenated_string");
    r.type = symbol_of(l, "type");
    r.integer = symbol_of(l, "integer");
    r.float_ = symbol_of(l, "float");
    r.true_ = symbol_of(l, "true");
    r.false_ = symbol_of(l, "false");
    r.none = symbol_of(l, "none");
    r.function_definition = symbol_of(l, "function_definition");
    r.class_definition = symbol_of(l, "class_definition");
    r.comment = symbol_of(l, "comment");
    r.argument_list = symbol_of(l, "argument_list");
    r.binary_operator = symbol_of(l, "binary_operator");
    r.name = field_of(l, "name");
    r.function = field_of(l, "function");
    r.attribute_field = field_of(l, "attribute");
    r.object = field_of(l, "object");
    r.left = field_of(l, "left");
    r.right = field_of(l, "right");
    r.type_field = field_of(l, "type");
    r.parameters_field = field_of(l, "parameters");
    r.return_type = field_of(l, "return_type");
    r.arguments = field_of(l, "arguments");
    return r;
  }();
  return g;
}

TSFieldId grammar_body_field() {
  return detail::grammar().body_field;
}

/// Token kinds fed into body hashes for abstracted tokens.
constexpr std::uint64_t name_token = 0x10000;
constexpr std::uint64_t literal_token = 0x10001;

bool is_identifier_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
         || static_cast<unsigned char>(c) >= 0x80;
}

/// `a`, `a.b.c`: a chain of names only; empty for anything else.
std::string dotted_callee(TSNode node, std::string_view utf8) {
  const auto& g = ids();
  auto symbol = ts_node_symbol(node);
  if (symbol == g.identifier)
    return std::string{node_text(node, utf8)};
  if (symbol != g.attribute)
    return {};
  auto object = ts_node_child_by_field_id(node, g.object);
  auto member = ts_node_child_by_field_id(node, g.attribute_field);
  if (ts_node_is_null(object) || ts_node_is_null(member))
    return {};
  auto head = dotted_callee(object, utf8);
  if (head.empty())
    return {};
  head += '.';
  head += node_text(member, utf8);
  return head;
}

/// The text of `node` with runs of white space collapsed to one space and
/// none just inside brackets.
std::string collapsed(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\\') {
      space = true;
      continue;
    }
    if (space && !out.empty() && out.back() != '(' && out.back() != '[' && c != ')'
        && c != ']' && c != ',')
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

/// The value of a plain (not f-, not bytes) string literal without escapes
/// processed, or false.
bool plain_string_value(TSNode string, std::string_view utf8, std::string& out) {
  const auto& g = ids();
  if (ts_node_symbol(string) != g.string)
    return false;
  out.clear();
  auto count = ts_node_child_count(string);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto child = ts_node_child(string, i);
    auto symbol = ts_node_symbol(child);
    if (symbol == g.string_start) {
      for (char c : node_text(child, utf8))
        if (c == 'f' || c == 'F' || c == 'b' || c == 'B')
          return false;
    } else if (symbol == g.interpolation) {
      return false;
    } else if (symbol == g.string_content) {
      out += node_text(child, utf8);
    }
  }
  return true;
}

/// The first non-blank line of the docstring of `body`, trimmed.
std::string docstring_summary(TSNode body, std::string_view utf8, TSTreeCursor& cursor) {
  auto doc = detail::docstring_node(body, utf8, cursor);
  if (ts_node_is_null(doc))
    return {};
  if (ts_node_symbol(doc) == ids().concatenated_string)
    doc = ts_node_named_child(doc, 0);
  std::string value;
  if (!plain_string_value(doc, utf8, value))
    return {};
  std::size_t start = 0;
  while (start < value.size()) {
    auto end = value.find('\n', start);
    if (end == std::string::npos)
      end = value.size();
    auto first = value.find_first_not_of(" \t\r", start);
    if (first != std::string::npos && first < end) {
      auto last = value.find_last_not_of(" \t\r", end - 1);
      return value.substr(first, std::min<std::size_t>(last - first + 1, 200));
    }
    start = end + 1;
  }
  return {};
}

class reference_walker {
public:
  reference_walker(std::string_view utf8, file_symbols& out, TSNode root)
    : utf8_(utf8), out_(out), helper_(ts_tree_cursor_new(root)) {
    claimed_.assign(out.functions.size(), 0);
    claimed_classes_.assign(out.classes.size(), 0);
  }

  reference_walker(const reference_walker&) = delete;
  reference_walker& operator=(const reference_walker&) = delete;

  ~reference_walker() {
    ts_tree_cursor_delete(&helper_);
  }

  void run(TSNode root);

private:
  struct frame {
    TSSymbol symbol;
    enum : std::uint8_t { plain, function, import, literal } kind;
    /// A subscript of a typing form (`Union[...]`): strings in it name types.
    bool typing = false;
  };

  struct open_function {
    std::size_t index;
    std::uint64_t hash;
    std::uint32_t tokens;
    std::unordered_set<std::string> calls;
    /// Names read in the def (nested defs included), kept in the record
    /// only when the def has an import statement of its own.
    std::unordered_set<std::string_view> names;
    bool has_import = false;
  };

  void enter(TSNode node, TSFieldId field);
  void leave();
  void on_identifier(TSNode node, TSFieldId field);
  void on_call(TSNode node);
  void on_all_assignment(TSNode node);
  void collect_strings(TSNode sequence);
  void scan_annotation(TSNode string);
  void scan_names(std::string_view text);
  void scan_type_comment(TSNode comment);
  bool typing_subscript(TSNode node) const;
  void feed(std::uint64_t token) {
    for (auto& f : functions_) {
      f.hash = (f.hash ^ token) * 0x100000001b3ull;
      ++f.tokens;
    }
  }
  std::size_t claim_function(std::uint32_t line);
  void on_class(TSNode node);

  std::string_view utf8_;
  file_symbols& out_;
  std::vector<frame> frames_;
  std::vector<open_function> functions_;
  std::vector<char> claimed_;
  std::vector<char> claimed_classes_;
  TSTreeCursor helper_; // scratch cursor for docstring lookups
  std::unordered_set<std::string_view> names_;
  std::unordered_set<std::string_view> attributes_;
  std::unordered_set<std::string> module_calls_;
  std::unordered_set<std::string> annotation_names_;
  std::uint32_t in_import_ = 0;
  std::uint32_t in_literal_ = 0;
  /// Open `type` nodes (annotations): a string anywhere below one is a
  /// string annotation, `Optional["Repo"]` as much as `"Repo"`.
  std::uint32_t in_type_ = 0;
};

std::size_t reference_walker::claim_function(std::uint32_t line) {
  auto& fns = out_.functions;
  auto it = std::lower_bound(fns.begin(), fns.end(), line,
                             [](const function_record& f, std::uint32_t l) { return f.line < l; });
  for (auto i = static_cast<std::size_t>(it - fns.begin()); i < fns.size() && fns[i].line == line;
       ++i) {
    if (!claimed_[i]) {
      claimed_[i] = 1;
      return i;
    }
  }
  return fns.size();
}

void reference_walker::on_class(TSNode node) {
  auto line = ts_node_start_point(node).row + 1;
  auto& classes = out_.classes;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    if (classes[i].line == line && !claimed_classes_[i]) {
      claimed_classes_[i] = 1;
      if (classes[i].has_docstring)
        classes[i].summary = docstring_summary(
          ts_node_child_by_field_id(node, grammar_body_field()), utf8_, helper_);
      return;
    }
  }
}

void reference_walker::run(TSNode root) {
  out_.module_summary = docstring_summary(root, utf8_, helper_);
  auto cursor = ts_tree_cursor_new(root);
  for (;;) {
    enter(ts_tree_cursor_current_node(&cursor), ts_tree_cursor_current_field_id(&cursor));
    if (ts_tree_cursor_goto_first_child(&cursor))
      continue;
    for (;;) {
      leave();
      if (ts_tree_cursor_goto_next_sibling(&cursor))
        break;
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        auto sorted = [](const auto& set) {
          std::vector<std::string> v(set.begin(), set.end());
          std::sort(v.begin(), v.end());
          return v;
        };
        out_.names = sorted(names_);
        for (const auto& n : annotation_names_)
          if (!names_.count(n))
            out_.names.push_back(n);
        std::sort(out_.names.begin(), out_.names.end());
        out_.attributes = sorted(attributes_);
        return;
      }
    }
  }
}

void reference_walker::enter(TSNode node, TSFieldId field) {
  const auto& g = ids();
  auto symbol = ts_node_symbol(node);
  frame f{symbol, frame::plain};
  if (in_literal_ == 0) {
    if (symbol == g.string || symbol == g.concatenated_string || symbol == g.integer
        || symbol == g.float_ || symbol == g.true_ || symbol == g.false_ || symbol == g.none) {
      feed(literal_token);
      f.kind = frame::literal;
      ++in_literal_;
    } else if (symbol == g.identifier) {
      feed(name_token);
    } else if (ts_node_child_count(node) == 0 && symbol != g.comment) {
      feed(symbol);
    }
  }
  if (symbol == g.identifier) {
    on_identifier(node, field);
  } else if (symbol == g.function_definition) {
    auto index = claim_function(ts_node_start_point(node).row + 1);
    if (index < out_.functions.size()) {
      auto& record = out_.functions[index];
      record.signature = collapsed(
        node_text(ts_node_child_by_field_id(node, g.parameters_field), utf8_));
      auto returns = ts_node_child_by_field_id(node, g.return_type);
      if (!ts_node_is_null(returns)) {
        record.signature += " -> ";
        record.signature += collapsed(node_text(returns, utf8_));
      }
      if (record.has_docstring)
        record.summary = docstring_summary(
          ts_node_child_by_field_id(node, grammar_body_field()), utf8_, helper_);
      functions_.push_back(open_function{index, 0xcbf29ce484222325ull, 0, {}, {}, false});
      f.kind = frame::function;
    }
  } else if (symbol == g.class_definition) {
    on_class(node);
  } else if (symbol == g.import_statement || symbol == g.import_from_statement
             || symbol == g.future_import_statement) {
    ++in_import_;
    f.kind = frame::import;
    if (!functions_.empty())
      functions_.back().has_import = true;
  } else if (symbol == g.call) {
    on_call(node);
  } else if ((symbol == g.assignment || symbol == g.augmented_assignment) && functions_.empty()) {
    on_all_assignment(node);
  } else if (symbol == g.string && in_type_ > 0) {
    scan_annotation(node);
  } else if (symbol == g.comment) {
    scan_type_comment(node);
  } else if (symbol == g.subscript && typing_subscript(node)) {
    f.typing = true;
    ++in_type_;
  }
  if (symbol == g.type)
    ++in_type_;
  frames_.push_back(f);
}

void reference_walker::leave() {
  auto f = frames_.back();
  frames_.pop_back();
  if (f.symbol == ids().type)
    --in_type_;
  if (f.typing)
    --in_type_;
  switch (f.kind) {
    case frame::function: {
      auto& open = functions_.back();
      auto& record = out_.functions[open.index];
      record.body_hash = out_.parse_errors == 0 ? open.hash : 0;
      record.body_tokens = open.tokens;
      if (open.has_import) {
        record.local_names.assign(open.names.begin(), open.names.end());
        std::sort(record.local_names.begin(), record.local_names.end());
      }
      functions_.pop_back();
      break;
    }
    case frame::import: --in_import_; break;
    case frame::literal: --in_literal_; break;
    case frame::plain: break;
  }
}

void reference_walker::on_identifier(TSNode node, TSFieldId field) {
  if (in_import_ > 0 || frames_.empty())
    return;
  const auto& g = ids();
  auto parent = frames_.back().symbol;
  auto text = node_text(node, utf8_);
  if (parent == g.attribute && field == g.attribute_field) {
    attributes_.insert(text);
    return;
  }
  bool binding_only =
    ((parent == g.function_definition || parent == g.class_definition) && field == g.name)
    || (parent == g.keyword_argument && field == g.name) || parent == g.parameters
    || parent == g.lambda_parameters
    || ((parent == g.default_parameter || parent == g.typed_default_parameter) && field == g.name)
    || (parent == g.typed_parameter && field != g.type_field) || parent == g.global_statement
    || parent == g.nonlocal_statement;
  if (!binding_only && (parent == g.list_splat_pattern || parent == g.dictionary_splat_pattern)
      && frames_.size() >= 2) {
    auto grand = frames_[frames_.size() - 2].symbol;
    binding_only = grand == g.parameters || grand == g.lambda_parameters
                   || grand == g.typed_parameter;
  }
  if (!binding_only) {
    names_.insert(text);
    for (auto& open : functions_)
      open.names.insert(text);
  }
}

void reference_walker::on_call(TSNode node) {
  const auto& g = ids();
  auto callee = dotted_callee(ts_node_child_by_field_id(node, g.function), utf8_);
  if (callee.empty())
    return;
  if (functions_.empty()) {
    if (module_calls_.insert(callee).second)
      out_.module_calls.push_back(callee);
  } else {
    auto& open = functions_.back();
    if (open.calls.insert(callee).second)
      out_.functions[open.index].calls.push_back(callee);
  }
  // typing.cast("T", x) and TypeVar("T", "A", bound="B"): pyflakes reads
  // the type arguments as annotations.
  auto last = std::string_view{callee}.substr(callee.rfind('.') + 1);
  if (last == "cast" || last == "TypeVar") {
    auto args = ts_node_child_by_field_id(node, g.arguments);
    auto count = ts_node_is_null(args) ? 0u : ts_node_named_child_count(args);
    for (std::uint32_t i = 0; i < count; ++i) {
      auto arg = ts_node_named_child(args, i);
      bool keyword = ts_node_symbol(arg) == g.keyword_argument;
      if (keyword) {
        if (last != "TypeVar"
            || node_text(ts_node_child_by_field_id(arg, g.name), utf8_) != "bound")
          continue;
        arg = ts_node_child_by_field_id(arg, g.value);
      } else if ((last == "cast") != (i == 0)) {
        continue; // cast's type is its first argument, TypeVar's name is not a type
      }
      if (!ts_node_is_null(arg) && ts_node_symbol(arg) == g.string)
        scan_annotation(arg);
    }
  }
  // `__all__.extend([...])`, `__all__.append("x")` at module level.
  if (functions_.empty() && (callee == "__all__.extend" || callee == "__all__.append")) {
    auto args = ts_node_child_by_field_id(node, g.arguments);
    if (ts_node_is_null(args))
      return;
    auto count = ts_node_named_child_count(args);
    for (std::uint32_t i = 0; i < count; ++i) {
      auto arg = ts_node_named_child(args, i);
      std::string value;
      if (plain_string_value(arg, utf8_, value))
        out_.exports.push_back(value);
      else
        collect_strings(arg);
    }
  }
}

void reference_walker::on_all_assignment(TSNode node) {
  const auto& g = ids();
  auto left = ts_node_child_by_field_id(node, g.left);
  if (ts_node_is_null(left) || ts_node_symbol(left) != g.identifier
      || node_text(left, utf8_) != "__all__")
    return;
  out_.has_all = true;
  auto right = ts_node_child_by_field_id(node, g.right);
  if (!ts_node_is_null(right))
    collect_strings(right);
}

void reference_walker::collect_strings(TSNode sequence) {
  const auto& g = ids();
  auto symbol = ts_node_symbol(sequence);
  if (symbol == g.binary_operator) { // `__all__ = ["a"] + ["b"]`
    collect_strings(ts_node_child_by_field_id(sequence, g.left));
    collect_strings(ts_node_child_by_field_id(sequence, g.right));
    return;
  }
  if (symbol != g.list && symbol != g.tuple)
    return;
  auto count = ts_node_named_child_count(sequence);
  std::string value;
  for (std::uint32_t i = 0; i < count; ++i)
    if (plain_string_value(ts_node_named_child(sequence, i), utf8_, value))
      out_.exports.push_back(value);
}

void reference_walker::scan_annotation(TSNode string) {
  // A string annotation names what it refers to: `def f(x: "Path")`.
  std::string value;
  if (!plain_string_value(string, utf8_, value))
    return;
  scan_names(value);
}

// pyflakes 2.5 reads `# type: ...` comments (not `# type: ignore`) as
// annotations: the names in them are used.
void reference_walker::scan_type_comment(TSNode comment) {
  auto text = node_text(comment, utf8_);
  std::size_t i = 1;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
    ++i;
  if (text.compare(i, 5, "type:") != 0)
    return;
  i += 5;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
    ++i;
  auto rest = text.substr(i);
  if (rest.compare(0, 6, "ignore") == 0
      && (rest.size() == 6 || !is_identifier_char(rest[6])))
    return;
  scan_names(std::string{rest});
}

// pyflakes reads the subscript of a typing form as an annotation
// (`Union["Tree", "Blob"]` outside an annotation too); Literal's strings
// are values, and Annotated's extras metadata.
bool reference_walker::typing_subscript(TSNode node) const {
  static const std::unordered_set<std::string_view> forms{
    "Union", "Optional", "List", "Dict", "Set", "FrozenSet", "Tuple", "Type", "Callable",
    "Sequence", "MutableSequence", "Mapping", "MutableMapping", "Iterable", "Iterator",
    "Generator", "AsyncIterable", "AsyncIterator", "AsyncGenerator", "Awaitable", "Coroutine",
    "ClassVar", "Final", "DefaultDict", "OrderedDict", "Counter", "ChainMap", "Deque",
    "Collection", "Container", "AbstractSet", "MutableSet", "Reversible", "TypeGuard",
    "Required", "NotRequired", "Generic", "Protocol", "ContextManager", "AsyncContextManager",
    "IO", "KeysView", "ValuesView", "ItemsView"};
  auto value = ts_node_child_by_field_id(node, ids().value);
  if (ts_node_is_null(value))
    return false;
  auto text = node_text(value, utf8_);
  auto dot = text.rfind('.');
  if (dot != std::string_view::npos)
    text.remove_prefix(dot + 1);
  return forms.count(text) > 0;
}

void reference_walker::scan_names(std::string_view value) {
  std::size_t i = 0;
  while (i < value.size()) {
    if (!is_identifier_char(value[i]) || (value[i] >= '0' && value[i] <= '9')) {
      ++i;
      continue;
    }
    auto start = i;
    while (i < value.size() && is_identifier_char(value[i]))
      ++i;
    if (start == 0 || value[start - 1] != '.')
      annotation_names_.insert(std::string{value.substr(start, i - start)});
  }
}

} // namespace

void extract_references(const syntax_tree& tree, std::string_view utf8, file_symbols& symbols) {
  if (!tree)
    return;
  reference_walker walker{utf8, symbols, tree.root()};
  walker.run(tree.root());
}

file_symbols extract_symbol_record(const syntax_tree& tree, std::string_view utf8) {
  auto symbols = extract_symbols(tree, utf8);
  extract_references(tree, utf8, symbols);
  return symbols;
}

} // namespace troupe::actors
