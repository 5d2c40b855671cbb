// File: the walk that reports bandit's call, def, assignment and comparison
// rules (bandit/core/node_visitor.py, blacklists/calls.py and the plugins
// exec, yaml_load, injection_shell, hashlib_new_insecure_functions and
// general_hardcoded_password of bandit 1.6.2).
#include "troupe/actors/file/security.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <unordered_map>
#include <utility>

#include "file/checks_grammar.hpp"
#include "source/python_grammar.hpp"

namespace troupe::actors {

namespace {

using detail::check_symbols;

struct call_rule {
  std::string_view name;
  std::string_view rule;
};

// The blacklisted calls of bandit's blacklists/calls.py that this agent
// reports (bandit matches them with fnmatch; none has a wildcard).
constexpr call_rule blacklisted_calls[] = {
  {"pickle.loads", "B301"},
  {"pickle.load", "B301"},
  {"pickle.Unpickler", "B301"},
  {"cPickle.loads", "B301"},
  {"cPickle.load", "B301"},
  {"cPickle.Unpickler", "B301"},
  {"dill.loads", "B301"},
  {"dill.load", "B301"},
  {"dill.Unpickler", "B301"},
  {"marshal.load", "B302"},
  {"marshal.loads", "B302"},
  {"hashlib.md5", "B303"},
  {"hashlib.sha1", "B303"},
  {"Crypto.Hash.MD2.new", "B303"},
  {"Crypto.Hash.MD4.new", "B303"},
  {"Crypto.Hash.MD5.new", "B303"},
  {"Crypto.Hash.SHA.new", "B303"},
  {"Cryptodome.Hash.MD2.new", "B303"},
  {"Cryptodome.Hash.MD4.new", "B303"},
  {"Cryptodome.Hash.MD5.new", "B303"},
  {"Cryptodome.Hash.SHA.new", "B303"},
  {"cryptography.hazmat.primitives.hashes.MD5", "B303"},
  {"cryptography.hazmat.primitives.hashes.SHA1", "B303"},
  {"tempfile.mktemp", "B306"},
  {"eval", "B307"},
};

// injection_shell.py's gen_config('shell_injection').
constexpr std::string_view subprocess_calls[] = {
  "subprocess.Popen", "subprocess.call", "subprocess.check_call",
  "subprocess.check_output", "subprocess.run"};
constexpr std::string_view shell_calls[] = {
  "os.system",     "os.popen",      "os.popen2",     "os.popen3",
  "os.popen4",     "popen2.popen2", "popen2.popen3", "popen2.popen4",
  "popen2.Popen3", "popen2.Popen4", "commands.getoutput",
  "commands.getstatusoutput"};

// Whether `run` is the last name of a call some rule can match: an
// attribute call's last part is literal text (bandit's alias keys never hold
// a dot); a plain name call matches through its own name or through an alias
// (markers added as the imports come, see add_alias_markers). By length
// first: this runs for every identifier of a file.
bool call_last_name(std::string_view run) noexcept {
  switch (run.size()) {
  case 3:
    return run == "md5" || run == "new" || run == "MD5" || run == "run";
  case 4:
    return run == "eval" || run == "exec" || run == "load" || run == "sha1" || run == "SHA1"
           || run == "call";
  case 5:
    return run == "loads" || run == "popen" || run == "Popen";
  case 6:
    return run == "mktemp" || run == "system" || run == "popen2" || run == "popen3"
           || run == "popen4" || run == "Popen3" || run == "Popen4";
  case 9:
    return run == "Unpickler" || run == "getoutput";
  case 10:
    return run == "check_call" || run == "__import__";
  case 12:
    return run == "check_output";
  case 13:
    return run == "import_module";
  case 15:
    return run == "getstatusoutput";
  default:
    return false;
  }
}

template <std::size_t N>
bool one_of(std::string_view s, const std::string_view (&list)[N]) noexcept {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// Whether `w`, compared ignoring ASCII case, is all of bandit's RE_WORDS:
// pas+wo?r?d | pass(phrase)? | pwd | token | secrete?
bool password_word(std::string_view w) noexcept {
  auto is = [&](std::string_view lower) {
    if (w.size() != lower.size())
      return false;
    for (std::size_t i = 0; i < w.size(); ++i)
      if (ascii_lower(w[i]) != lower[i])
        return false;
    return true;
  };
  if (is("pass") || is("passphrase") || is("pwd") || is("token") || is("secret")
      || is("secrete"))
    return true;
  auto at = [&](std::size_t i) { return ascii_lower(w[i]); };
  if (w.size() < 5 || at(0) != 'p' || at(1) != 'a' || at(2) != 's' || at(w.size() - 1) != 'd')
    return false;
  std::size_t i = 2;
  while (i < w.size() && at(i) == 's')
    ++i;
  if (i >= w.size() || at(i) != 'w')
    return false;
  ++i;
  if (i < w.size() && at(i) == 'o')
    ++i;
  if (i < w.size() && at(i) == 'r')
    ++i;
  return i + 1 == w.size(); // the final 'd'
}

/// A call argument as bandit's Context reads it (call_args, call_keywords):
/// an attribute's attr, a name's id, True/False/None spelled out, a str
/// literal's value; anything else is not a str.
struct arg_value {
  bool is_str = false;
  std::string text;
};

struct keyword {
  TSNode value; // null for **mapping
  std::string_view name;
};

class security_walker final : public detail::check_pass {
public:
  security_walker(std::string_view utf8, TSNode root, file_security& out)
    : utf8_(utf8), g_(check_symbols()), cursor_(ts_tree_cursor_new(root)), out_(&out) {
  }

  security_walker(const security_walker&) = delete;
  security_walker& operator=(const security_walker&) = delete;

  ~security_walker() override {
    ts_tree_cursor_delete(&cursor_);
  }

  void begin(TSNode root) override;
  bool enter(TSNode node, std::uint32_t) override {
    return visit(node);
  }
  void leave(TSNode node) override;
  void finish(TSNode root) override;

private:
  bool visit(TSNode node);
  void walk(TSNode root);

  void find_nosec(TSNode root);
  bool ast_node(TSSymbol symbol) const noexcept;
  bool nosec(std::uint32_t row) const noexcept {
    return !nosec_.empty() && detail::contains_row(nosec_, row);
  }

  bool interesting(TSNode node) const noexcept {
    return detail::marker_in(markers_, ts_node_start_byte(node), ts_node_end_byte(node));
  }
  void add_alias_markers(const std::string& key, const std::string& resolved);
  void on_import(TSNode node);
  void on_import_from(TSNode node);
  void on_call(TSNode node);
  void on_function(TSNode node);
  void on_assignment(TSNode node);
  void on_comparison(TSNode node);

  std::string resolve(std::string name) const;
  std::string qualname(TSNode func);
  arg_value value_of(TSNode node);
  void report(std::string_view rule, std::uint32_t row, std::string name,
              const char* severity, const char* confidence);

  std::string_view text(TSNode node) const noexcept {
    return detail::node_text(node, utf8_);
  }
  /// The dotted name and alias ("" when none) of an import's name child
  /// (`a.b` or `a.b as c`).
  std::pair<std::string, std::string> imported_name(TSNode child) const {
    if (detail::symbol_of(child) == g_.aliased_import)
      return {detail::dotted_text(ts_node_child_by_field_id(child, g_.name_field), utf8_),
              std::string{text(ts_node_child_by_field_id(child, g_.alias_field))}};
    return {detail::dotted_text(child, utf8_), std::string{}};
  }
  static std::uint32_t row(TSNode node) noexcept {
    return ts_node_start_point(node).row;
  }

  std::string_view utf8_;
  const detail::checks_grammar& g_;
  TSTreeCursor cursor_;
  std::vector<TSNode> children_;
  std::vector<TSNode> positional_;
  std::vector<keyword> keywords_;
  // bandit's import_aliases and whether `yaml` is in its imports set; both
  // grow in visiting order.
  std::unordered_map<std::string, std::string> aliases_;
  bool yaml_imported_ = false;
  detail::row_set nosec_;
  // Rows whose `# nosec` names tests (`# nosec B602, B607` or test names,
  // as bandit 1.7.5 reads them): only those tests are silenced there, and
  // the row's subtree is walked.
  std::vector<std::pair<std::uint32_t, std::vector<std::string>>> nosec_tests_;
  // Where an identifier a rule can hinge on stands: a call's possible last
  // name, an alias of one, a password-like name. An expression without one
  // holds nothing to report and is not walked.
  std::vector<std::uint32_t> markers_;
  // Decorators wait until their definition's subtree is done: bandit visits
  // a def's body before its decorator_list.
  std::vector<TSNode> deferred_;
  std::vector<std::pair<const void*, std::size_t>> decorated_;
  // The inner assignment of `a = b = value`, part of the outer one's check.
  const void* chain_next_ = nullptr;
  // The call whose check runs at the moment (its line also masks by nosec).
  std::uint32_t context_row_ = 0;
  file_security* out_;
};

void security_walker::begin(TSNode root) {
  detail::scan_identifiers(utf8_, markers_, [](std::string_view run) {
    return call_last_name(run) || is_password_name(run);
  });
  if (utf8_.find("nosec") != std::string_view::npos)
    find_nosec(root);
}

void security_walker::finish(TSNode) {
  std::stable_sort(out_->findings.begin(), out_->findings.end(),
                   [](const auto& a, const auto& b) { return a.line < b.line; });
}

// A decorator's own walk, after its definition's subtree.
void security_walker::walk(TSNode root) {
  detail::walk_tree(
    root, [this](TSNode node, std::uint32_t) { return visit(node); },
    [this](TSNode node, std::uint32_t) { leave(node); });
}

// bandit's nosec lines: the start line of every COMMENT token holding
// "#nosec" and of every token holding "# nosec" (its `and`/`or` precedence
// lets strings count too); f-strings are one token in Python 3.11.
// A comment naming tests after `nosec` (bandit 1.7.5's
// `#\s*nosec:?\s*(?P<tests>[^#]+)?`, each test a `B123` id or a test name
// such as `hardcoded_password_string`) silences only those tests; words
// that are neither (a reason in prose) leave it a bare nosec.
std::vector<std::string> nosec_test_names(std::string_view comment) {
  std::vector<std::string> tests;
  auto at = comment.find("nosec");
  if (at == std::string_view::npos)
    return tests;
  auto rest = comment.substr(at + 5);
  if (auto hash = rest.find('#'); hash != std::string_view::npos)
    rest = rest.substr(0, hash);
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && !std::isalnum(static_cast<unsigned char>(rest[i])) && rest[i] != '_')
      ++i;
    auto j = i;
    while (j < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[j])) || rest[j] == '_'))
      ++j;
    auto word = rest.substr(i, j - i);
    bool id = word.size() > 1 && (word[0] == 'B' || word[0] == 'b')
              && std::all_of(word.begin() + 1, word.end(),
                             [](char c) { return c >= '0' && c <= '9'; });
    bool name = word.find('_') != std::string_view::npos
                && std::all_of(word.begin(), word.end(), [](char c) {
                     return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                   });
    if (id) {
      std::string upper{word};
      upper[0] = 'B';
      tests.push_back(std::move(upper));
    } else if (name) {
      tests.emplace_back(word);
    }
    i = j;
  }
  return tests;
}

/// bandit's plugin name of a test id (what a `# nosec NAME` may say).
std::string_view bandit_test_name(std::string_view rule) noexcept {
  static constexpr std::pair<std::string_view, std::string_view> names[] = {
    {"B102", "exec_used"},
    {"B105", "hardcoded_password_string"},
    {"B106", "hardcoded_password_funcarg"},
    {"B107", "hardcoded_password_default"},
    {"B324", "hashlib_new_insecure_functions"},
    {"B506", "yaml_load"},
    {"B602", "subprocess_popen_with_shell_equals_true"},
    {"B605", "start_process_with_a_shell"},
  };
  for (const auto& [id, name] : names)
    if (id == rule)
      return name;
  // B301-B307 are calls of bandit's blacklist test.
  return rule.size() == 4 && rule.compare(0, 2, "B3") == 0 ? "blacklist" : "";
}

void security_walker::find_nosec(TSNode root) {
  detail::walk_tree(
    root,
    [this](TSNode node, std::uint32_t) {
      auto symbol = detail::symbol_of(node);
      if (symbol == g_.comment) {
        auto t = text(node);
        if (t.find("#nosec") != std::string_view::npos
            || t.find("# nosec") != std::string_view::npos) {
          if (auto tests = nosec_test_names(t); !tests.empty())
            nosec_tests_.emplace_back(row(node), std::move(tests));
          else
            nosec_.push_back(row(node));
        }
        return false;
      }
      if (symbol == g_.string) {
        if (text(node).find("# nosec") != std::string_view::npos)
          nosec_.push_back(row(node));
        return false;
      }
      return true;
    },
    [](TSNode, std::uint32_t) {});
  std::sort(nosec_.begin(), nosec_.end());
  nosec_.erase(std::unique(nosec_.begin(), nosec_.end()), nosec_.end());
}

// Whether nodes of `symbol` stand for an ast node with a line number (which
// bandit skips, subtree and all, when that line carries `# nosec`), rather
// than for grouping only.
bool security_walker::ast_node(TSSymbol symbol) const noexcept {
  for (auto wrapper : {g_.module, g_.block, g_.argument_list, g_.parameters,
                       g_.lambda_parameters, g_.else_clause, g_.finally_clause,
                       g_.for_in_clause, g_.if_clause, g_.case_clause, g_.with_clause,
                       g_.with_item, g_.as_pattern_target, g_.decorator,
                       g_.decorated_definition, g_.type, g_.interpolation, g_.pair,
                       g_.parenthesized_expression, g_.format_specifier})
    if (symbol == wrapper)
      return false;
  return true;
}

bool security_walker::visit(TSNode node) {
  if (!ts_node_is_named(node))
    return false;
  auto symbol = ts_node_symbol(node);
  // Statements are walked, imports always read (they feed the aliases);
  // an expression only where a marker stands.
  if (!detail::holds_statements(symbol) && symbol != g_.import_statement
      && symbol != g_.import_from_statement && symbol != g_.future_import_statement
      && !interesting(node))
    return false;
  if (!nosec_.empty()) {
    if (symbol == g_.decorated_definition) {
      auto def = ts_node_child_by_field_id(node, g_.definition_field);
      if (!ts_node_is_null(def) && nosec(row(def)))
        return false; // decorators belong to the def in ast
    } else if (ast_node(symbol) && nosec(row(node))) {
      return false;
    }
  }
  if (symbol == g_.call) {
    on_call(node);
  } else if (symbol == g_.string) {
    // Only an f-string holds expressions.
    auto t = text(node);
    for (char c : t) {
      if (c == '\'' || c == '"')
        return false;
      if (c == 'f' || c == 'F')
        return true;
    }
    return false;
  } else if (symbol == g_.comment) {
    return false;
  } else if (symbol == g_.decorator) {
    deferred_.push_back(node);
    return false;
  } else if (symbol == g_.decorated_definition) {
    decorated_.emplace_back(node.id, deferred_.size());
  } else if (symbol == g_.import_statement) {
    on_import(node);
    return false;
  } else if (symbol == g_.import_from_statement || symbol == g_.future_import_statement) {
    on_import_from(node);
    return false;
  } else if (symbol == g_.function_definition) {
    on_function(node);
  } else if (symbol == g_.assignment) {
    on_assignment(node);
  } else if (symbol == g_.comparison_operator) {
    on_comparison(node);
  }
  return true;
}

void security_walker::leave(TSNode node) {
  if (decorated_.empty() || decorated_.back().first != node.id)
    return;
  auto first = decorated_.back().second;
  decorated_.pop_back();
  std::vector<TSNode> decorators(deferred_.begin() + static_cast<std::ptrdiff_t>(first),
                                 deferred_.end());
  deferred_.resize(first);
  std::vector<TSNode> expressions;
  for (auto decorator : decorators) {
    detail::named_children(decorator, cursor_, expressions);
    for (auto expression : expressions)
      walk(expression);
  }
}

// -- imports (node_visitor.visit_Import / visit_ImportFrom) -------------------

void security_walker::on_import(TSNode node) {
  ts_tree_cursor_reset(&cursor_, node);
  if (!ts_tree_cursor_goto_first_child(&cursor_))
    return;
  std::vector<std::pair<std::string, std::string>> names;
  do {
    if (ts_tree_cursor_current_field_id(&cursor_) != g_.name_field)
      continue;
    auto child = ts_tree_cursor_current_node(&cursor_);
    if (nosec(row(child)))
      continue; // an alias on a nosec line is not visited
    names.push_back(imported_name(child));
  } while (ts_tree_cursor_goto_next_sibling(&cursor_));
  for (auto& [name, alias] : names) {
    if (name == "yaml")
      yaml_imported_ = true;
    if (!alias.empty()) {
      aliases_[alias] = name;
      add_alias_markers(alias, name);
    }
  }
}

// A plain-name call through `key` resolves to `resolved`: when that can
// match a rule, the places the key stands become markers.
void security_walker::add_alias_markers(const std::string& key, const std::string& resolved) {
  auto dot = resolved.rfind('.');
  auto last = dot == std::string::npos ? std::string_view{resolved}
                                       : std::string_view{resolved}.substr(dot + 1);
  if (!call_last_name(last) || call_last_name(key))
    return; // no rule to match, or marked already
  std::vector<std::uint32_t> found;
  detail::scan_identifiers(utf8_, found, [&](std::string_view run) { return run == key; });
  if (found.empty())
    return;
  std::vector<std::uint32_t> merged;
  merged.reserve(markers_.size() + found.size());
  std::merge(markers_.begin(), markers_.end(), found.begin(), found.end(),
             std::back_inserter(merged));
  markers_ = std::move(merged);
}

void security_walker::on_import_from(TSNode node) {
  // ast's ImportFrom.module: the dotted name after the dots, None for
  // `from . import x`.
  bool has_module = true;
  std::string module;
  if (detail::symbol_of(node) == g_.future_import_statement) {
    module = "__future__";
  } else {
    auto m = ts_node_child_by_field_id(node, g_.module_name_field);
    if (detail::symbol_of(m) == g_.relative_import) {
      has_module = false;
      auto count = ts_node_named_child_count(m);
      for (std::uint32_t i = 0; i < count; ++i) {
        auto part = ts_node_named_child(m, i);
        if (detail::symbol_of(part) == g_.dotted_name) {
          module = detail::dotted_text(part, utf8_);
          has_module = true;
        }
      }
    } else {
      module = detail::dotted_text(m, utf8_);
    }
  }
  std::vector<std::pair<std::string, std::string>> names;
  ts_tree_cursor_reset(&cursor_, node);
  if (ts_tree_cursor_goto_first_child(&cursor_)) {
    do {
      auto child = ts_tree_cursor_current_node(&cursor_);
      auto symbol = detail::symbol_of(child);
      if (symbol == g_.wildcard_import) {
        names.emplace_back("*", std::string{});
        continue;
      }
      if (ts_tree_cursor_current_field_id(&cursor_) != g_.name_field || nosec(row(child)))
        continue;
      names.push_back(imported_name(child));
    } while (ts_tree_cursor_goto_next_sibling(&cursor_));
  }
  for (auto& [name, alias] : names) {
    if (!has_module) { // visit_Import's rules
      if (name == "yaml")
        yaml_imported_ = true;
      if (!alias.empty()) {
        aliases_[alias] = name;
        add_alias_markers(alias, name);
      }
      continue;
    }
    const auto& key = alias.empty() ? name : alias;
    auto resolved = module + "." + name;
    add_alias_markers(key, resolved);
    aliases_[key] = std::move(resolved);
  }
}

// -- names (bandit.core.utils.get_call_name) -----------------------------------

std::string security_walker::resolve(std::string name) const {
  auto it = aliases_.find(name);
  return it == aliases_.end() ? std::move(name) : it->second;
}

std::string security_walker::qualname(TSNode func) {
  auto node = detail::unwrap(func);
  auto symbol = detail::symbol_of(node);
  if (symbol == g_.identifier)
    return resolve(std::string{text(node)});
  if (symbol != g_.attribute)
    return {};
  // _get_attr_qual_name: the chain's base (a name, resolved, or "" for
  // anything else), then each attribute, resolving every prefix.
  std::vector<TSNode> attrs;
  while (symbol == g_.attribute) {
    attrs.push_back(ts_node_child_by_field_id(node, g_.attribute_field));
    node = detail::unwrap(ts_node_child_by_field_id(node, g_.object_field));
    symbol = detail::symbol_of(node);
  }
  std::string name = symbol == g_.identifier ? resolve(std::string{text(node)}) : std::string{};
  for (auto it = attrs.rbegin(); it != attrs.rend(); ++it) {
    name += '.';
    name += text(*it);
    name = resolve(std::move(name));
  }
  return name;
}

arg_value security_walker::value_of(TSNode node) {
  arg_value v;
  node = detail::unwrap(node);
  auto symbol = detail::symbol_of(node);
  if (symbol == g_.attribute) {
    v.is_str = true;
    v.text = text(ts_node_child_by_field_id(node, g_.attribute_field));
  } else if (symbol == g_.identifier) {
    v.is_str = true;
    v.text = text(node);
  } else if (symbol == g_.true_ || symbol == g_.false_ || symbol == g_.none) {
    v.is_str = true;
    v.text = symbol == g_.true_ ? "True" : symbol == g_.false_ ? "False" : "None";
  } else if (detail::is_str_literal(node, utf8_)) {
    v.is_str = true;
    v.text = detail::decode_str_literal(node, utf8_).value;
  }
  return v;
}

void security_walker::report(std::string_view rule, std::uint32_t line_row, std::string name,
                             const char* severity, const char* confidence) {
  // tester.run_tests drops a result on a nosec line, or found while
  // visiting a node on one.
  if (nosec(line_row) || nosec(context_row_))
    return;
  for (const auto& [nosec_row, tests] : nosec_tests_)
    if (nosec_row == line_row || nosec_row == context_row_)
      for (const auto& t : tests)
        if (t == rule || t == bandit_test_name(rule))
          return;
  out_->findings.push_back(
    {std::string{rule}, line_row + 1, std::move(name), severity, confidence});
}

// Whether a shell= value is true for injection_shell.has_shell.
bool shell_value_true(TSNode value, std::string_view utf8, const detail::checks_grammar& g) {
  value = detail::unwrap(value);
  auto symbol = detail::symbol_of(value);
  if (symbol == g.false_ || symbol == g.none)
    return false;
  if (symbol == g.integer || symbol == g.float_) {
    // ast.Num: true unless every digit is 0 (any base, exponent or j).
    auto start = ts_node_start_byte(value), end = ts_node_end_byte(value);
    auto t = utf8.substr(start, end - start);
    std::size_t i = 0;
    if (t.size() > 1 && t[0] == '0'
        && (t[1] == 'x' || t[1] == 'X' || t[1] == 'o' || t[1] == 'O' || t[1] == 'b'
            || t[1] == 'B'))
      i = 2;
    bool hex = i == 2 && (t[1] == 'x' || t[1] == 'X');
    for (; i < t.size(); ++i) {
      char c = t[i];
      if (!hex && (c == 'e' || c == 'E' || c == 'j' || c == 'J'))
        break;
      if (c == '0' || c == '_' || c == '.')
        continue;
      if (hex && (c == 'j' || c == 'J'))
        break;
      return true;
    }
    return false;
  }
  if (symbol == g.list || symbol == g.dictionary) {
    auto count = ts_node_named_child_count(value);
    for (std::uint32_t i = 0; i < count; ++i)
      if (!ts_node_is_extra(ts_node_named_child(value, i)))
        return true; // an element (or a key, ** included)
    return false;
  }
  return true;
}

// -- calls ---------------------------------------------------------------------

void security_walker::on_call(TSNode node) {
  const auto func = ts_node_child_by_field_id(node, g_.function_field);
  const auto args = ts_node_child_by_field_id(node, g_.arguments_field);
  positional_.clear();
  keywords_.clear();
  if (detail::symbol_of(args) == g_.generator_expression) {
    positional_.push_back(args);
  } else if (!ts_node_is_null(args)) {
    detail::named_children(args, cursor_, children_);
    for (auto child : children_) {
      auto symbol = detail::symbol_of(child);
      if (symbol == g_.keyword_argument)
        keywords_.push_back({ts_node_child_by_field_id(child, g_.value_field),
                             text(ts_node_child_by_field_id(child, g_.name_field))});
      else if (symbol == g_.dictionary_splat)
        keywords_.push_back({TSNode{}, {}});
      else
        positional_.push_back(child);
    }
  }
  context_row_ = row(node);
  auto qual = qualname(func);
  auto keyword_value = [this](std::string_view name) -> TSNode {
    TSNode found{};
    for (const auto& k : keywords_)
      if (!ts_node_is_null(k.value) && k.name == name)
        found = k.value; // a dict: the last one wins
    return found;
  };

  // B001, the blacklist (bandit/core/blacklisting.py).
  {
    bool checked = true;
    std::string name = qual;
    auto f = detail::unwrap(func);
    if (detail::symbol_of(f) == g_.identifier && text(f) == "__import__") {
      if (positional_.empty())
        name.clear();
      else if (detail::is_str_literal(positional_[0], utf8_))
        name = detail::decode_str_literal(positional_[0], utf8_).value;
      else
        name = "UNKNOWN";
    } else if (name == "importlib.import_module" || name == "importlib.__import__") {
      // The first argument names the module; without one bandit's test
      // raises and reports nothing.
      checked = !positional_.empty();
      if (checked) {
        auto v = value_of(positional_[0]);
        checked = v.is_str;
        name = v.text;
      }
    }
    if (checked)
      for (const auto& entry : blacklisted_calls)
        if (entry.name == name) {
          report(entry.rule, context_row_, name, "MEDIUM", "HIGH");
          break;
        }
  }

  // B102 (exec.py).
  if (qual == "exec")
    report("B102", context_row_, qual, "MEDIUM", "HIGH");

  // Split the name the way the plugins do: qualname.split('.').
  std::string_view last = qual;
  bool has_yaml = false, has_hashlib = false;
  {
    std::string_view rest = qual;
    for (;;) {
      auto dot = rest.find('.');
      auto part = rest.substr(0, dot);
      has_yaml = has_yaml || part == "yaml";
      has_hashlib = has_hashlib || part == "hashlib";
      if (dot == std::string_view::npos) {
        last = part;
        break;
      }
      rest.remove_prefix(dot + 1);
    }
  }

  // B506 (yaml_load.py): only once `import yaml` was seen.
  if (yaml_imported_ && has_yaml && last == "load") {
    auto loader = keyword_value("Loader");
    bool safe = false;
    if (!ts_node_is_null(loader)) {
      auto v = value_of(loader);
      safe = v.is_str && (v.text == "SafeLoader" || v.text == "CSafeLoader");
    }
    if (!safe)
      report("B506", context_row_, qual, "MEDIUM", "HIGH");
  }

  // B602 and B605 (injection_shell.py).
  if (!positional_.empty()) {
    bool literal = detail::is_str_literal(positional_[0], utf8_);
    if (one_of(qual, subprocess_calls)) {
      auto shell = keyword_value("shell");
      if (!ts_node_is_null(shell) && shell_value_true(shell, utf8_, g_)) {
        // Reported on the line of the first shell= value.
        TSNode first{};
        for (const auto& k : keywords_)
          if (!ts_node_is_null(k.value) && k.name == "shell") {
            first = k.value;
            break;
          }
        report("B602", row(detail::unwrap(first)), qual, literal ? "LOW" : "HIGH", "HIGH");
      }
    }
    if (one_of(qual, shell_calls))
      report("B605", context_row_, qual, literal ? "LOW" : "HIGH", "HIGH");
  }

  // B324 (hashlib_new_insecure_functions.py).
  if (has_hashlib && last == "new") {
    arg_value v;
    if (!positional_.empty()) {
      v = value_of(positional_[0]);
    } else {
      auto name = keyword_value("name");
      if (!ts_node_is_null(name))
        v = value_of(name);
    }
    if (v.is_str) {
      std::string lower = v.text;
      for (auto& c : lower)
        c = ascii_lower(c);
      if (lower == "md4" || lower == "md5")
        report("B324", context_row_, qual, "MEDIUM", "HIGH");
    }
  }

  // B106 (general_hardcoded_password.py): the first str keyword argument
  // with a password-like name.
  for (const auto& k : keywords_) {
    if (ts_node_is_null(k.value)) {
      continue; // **mapping: its value is no str literal (or bandit raises)
    }
    if (detail::is_str_literal(k.value, utf8_) && is_password_name(k.name)) {
      report("B106", context_row_, std::string{k.name}, "LOW", "MEDIUM");
      break;
    }
  }
}

// -- defs: B107 -----------------------------------------------------------------

void security_walker::on_function(TSNode node) {
  // AsyncFunctionDef has no FunctionDef tests.
  auto first = ts_node_child(node, 0);
  if (!ts_node_is_named(first) && text(first) == "async")
    return;
  auto params = ts_node_child_by_field_id(node, g_.parameters_field);
  if (ts_node_is_null(params) || !interesting(params))
    return; // no password-like name among the parameters
  struct param {
    TSNode name;
    TSNode value;
  };
  std::vector<param> positional;
  std::size_t posonly = 0;
  detail::named_children(params, cursor_, children_);
  for (auto p : children_) {
    auto symbol = detail::symbol_of(p);
    if (symbol == g_.positional_separator) {
      posonly = positional.size();
      continue;
    }
    if (symbol == g_.identifier) {
      positional.push_back({p, TSNode{}});
    } else if (symbol == g_.default_parameter || symbol == g_.typed_default_parameter) {
      positional.push_back({ts_node_child_by_field_id(p, g_.name_field),
                            ts_node_child_by_field_id(p, g_.value_field)});
    } else if (symbol == g_.typed_parameter) {
      auto inner = ts_node_named_child_count(p) > 0 ? ts_node_named_child(p, 0) : TSNode{};
      if (detail::symbol_of(inner) != g_.identifier)
        break; // *args: or **kwargs:
      positional.push_back({inner, TSNode{}});
    } else {
      break; // *args, *, **kwargs: the rest are keyword-only
    }
  }
  // ast: args.args after the posonly ones; args.defaults covers posonly and
  // args together. bandit pads from the front by len(args) - len(defaults).
  std::vector<TSNode> defaults;
  for (const auto& p : positional)
    if (!ts_node_is_null(p.value))
      defaults.push_back(p.value);
  std::size_t args = positional.size() - std::min(posonly, positional.size());
  std::size_t pad = args > defaults.size() ? args - defaults.size() : 0;
  for (std::size_t i = 0; i < args && i < pad + defaults.size(); ++i) {
    if (i < pad)
      continue;
    auto value = defaults[i - pad];
    auto name = text(positional[posonly + i].name);
    if (detail::is_str_literal(value, utf8_) && is_password_name(name)) {
      context_row_ = row(node);
      report("B107", row(node), std::string{name}, "LOW", "MEDIUM");
      return;
    }
  }
}

// -- B105: str literals assigned to or compared with password-like names -------

void security_walker::on_assignment(TSNode node) {
  auto right = ts_node_child_by_field_id(node, g_.right_field);
  bool inner = node.id == chain_next_;
  chain_next_ = detail::symbol_of(right) == g_.assignment ? right.id : nullptr;
  if (inner)
    return; // checked with its outer assignment
  if (!ts_node_is_null(ts_node_child_by_field_id(node, g_.type_field)))
    return; // AnnAssign
  std::vector<TSNode> targets{ts_node_child_by_field_id(node, g_.left_field)};
  while (detail::symbol_of(right) == g_.assignment) {
    targets.push_back(ts_node_child_by_field_id(right, g_.left_field));
    right = ts_node_child_by_field_id(right, g_.right_field);
  }
  auto value = detail::unwrap(right);
  if (ts_node_is_null(value) || !detail::is_str_literal(value, utf8_))
    return;
  for (auto target : targets) {
    target = detail::unwrap(target);
    if (detail::symbol_of(target) == g_.identifier && is_password_name(text(target))) {
      // The Str node is the context: its line is the issue's.
      context_row_ = row(value);
      report("B105", row(value), std::string{text(target)}, "LOW", "MEDIUM");
      return;
    }
  }
}

void security_walker::on_comparison(TSNode node) {
  detail::named_children(node, cursor_, children_);
  if (children_.size() < 2)
    return;
  auto left = detail::unwrap(children_[0]);
  if (detail::symbol_of(left) != g_.identifier || !is_password_name(text(left))
      || !detail::is_str_literal(children_[1], utf8_))
    return;
  // Each Str operand is visited and reports comparators[0].
  std::vector<TSNode> operands(children_.begin() + 1, children_.end());
  for (auto operand : operands) {
    operand = detail::unwrap(operand);
    if (!detail::is_str_literal(operand, utf8_))
      continue;
    context_row_ = row(operand);
    report("B105", row(operand), std::string{text(left)}, "LOW", "MEDIUM");
  }
}

} // namespace

bool is_password_name(std::string_view name) noexcept {
  // A word of the pattern starts at the name's start or after a `_`, and
  // ends at its end or before a `_`; every word starts with p, t or s.
  for (std::size_t p = 0; p + 2 < name.size(); ++p) {
    if (p > 0 && name[p - 1] != '_')
      continue;
    // Every word starts with pa, pw, to or se.
    auto c0 = ascii_lower(name[p]), c1 = ascii_lower(name[p + 1]);
    if (!(c0 == 'p' && (c1 == 'a' || c1 == 'w')) && !(c0 == 't' && c1 == 'o')
        && !(c0 == 's' && c1 == 'e'))
      continue;
    for (std::size_t q = p + 1; q <= name.size(); ++q)
      if ((q == name.size() || name[q] == '_') && password_word(name.substr(p, q - p)))
        return true;
  }
  return false;
}

std::unique_ptr<detail::check_pass> detail::make_security_pass(std::string_view utf8, TSNode root,
                                                               file_security& out) {
  return std::make_unique<security_walker>(utf8, root, out);
}

file_security extract_security(const syntax_tree& tree, std::string_view utf8) {
  return detail::checks_of(tree, utf8).security;
}

} // namespace troupe::actors
