// File: the walk that reports pep8-naming 0.10.0's rules (pep8ext_naming.py)
// and flake8 5's noqa filtering of them.
#include "troupe/actors/file/naming.hpp"

#include <algorithm>
#include <utility>

#include "file/checks_grammar.hpp"
#include "source/python_grammar.hpp"
#include "troupe/actors/source/noqa.hpp"

namespace troupe::actors {

namespace {

using detail::check_symbols;
using detail::symbol_of;

enum class function_type { function, method, classmethod, staticmethod };

// pep8-naming's default --ignore-names (fnmatch patterns without wildcards).
constexpr std::string_view ignored_names[] = {
  "setUp",           "tearDown",          "setUpClass",  "tearDownClass",
  "setUpTestData",   "failureException",  "longMessage", "maxDiff"};

bool ignored(std::string_view name) noexcept {
  return std::find(std::begin(ignored_names), std::end(ignored_names), name)
         != std::end(ignored_names);
}

bool is_mixed_case(std::string_view name) noexcept {
  auto stripped = name;
  while (!stripped.empty() && stripped.front() == '_')
    stripped.remove_prefix(1);
  return detail::py_lower_changes(name) && detail::py_first_islower(stripped);
}

struct scope {
  enum kind_t { module, function, klass } kind = module;
  const void* opened_by = nullptr; // the node whose leave closes it
  // function: names declared global, and N806 candidates waiting for them
  std::vector<std::string_view> globals;
  std::vector<std::pair<std::string_view, std::uint32_t>> pending;
  // class: a metaclass (all methods are classmethods), and the late
  // decorations `m = classmethod(m)` of its body
  bool metaclass = false;
  std::vector<std::pair<std::string_view, function_type>> late;
};

class naming_walker final : public detail::check_pass {
public:
  naming_walker(std::string_view utf8, TSNode root, file_naming& out)
    : utf8_(utf8), g_(check_symbols()), cursor_(ts_tree_cursor_new(root)), out_(&out) {
    scopes_.push_back({}); // the module
  }

  naming_walker(const naming_walker&) = delete;
  naming_walker& operator=(const naming_walker&) = delete;

  ~naming_walker() override {
    ts_tree_cursor_delete(&cursor_);
  }

  void begin(TSNode root) override;
  bool enter(TSNode node, std::uint32_t depth) override;
  void leave(TSNode node) override;
  void finish(TSNode root) override;

private:
  void open_definition(TSNode def, TSNode decorated, int method_of, const void* opened_by);
  void on_class(TSNode node, const void* opened_by);
  void on_function(TSNode node, TSNode decorated, int method_of, const void* opened_by);
  void on_import(TSNode node);
  void on_assignment(TSNode node);
  void check_target(TSNode target);
  void check_name(std::string_view name, std::uint32_t row);
  void collect_names(TSNode target, std::vector<std::string_view>& out);
  void close_scope();
  void apply_noqa(TSNode root);

  // Comprehension targets and walruses are the only names checked inside
  // expressions: an expression without a `for` or `:=` is not walked.
  bool descend(TSSymbol symbol, TSNode node) const noexcept {
    return detail::holds_statements(symbol)
           || detail::marker_in(markers_, ts_node_start_byte(node), ts_node_end_byte(node));
  }

  void add(const char* rule, std::uint32_t row, std::string_view name) {
    out_->violations.push_back({rule, row + 1, std::string{name}});
  }
  std::string_view text(TSNode node) const noexcept {
    return detail::node_text(node, utf8_);
  }
  static std::uint32_t row(TSNode node) noexcept {
    return ts_node_start_point(node).row;
  }

  std::string_view utf8_;
  const detail::checks_grammar& g_;
  TSTreeCursor cursor_;
  std::vector<TSNode> children_;
  // Scratch lists reused across nodes (no allocation per node).
  std::vector<TSNode> targets_, args_, stack_, elements_;
  std::vector<std::string_view> names_;
  std::vector<scope> scopes_;
  // Per depth of the walk: the class scope a def directly below the node at
  // that depth is a method of (through if/for/while/with/try bodies, as
  // pep8-naming's METHOD_CONTAINER_NODES), or -1.
  std::vector<int> method_of_;
  // A definition whose scope its decorated_definition already opened.
  const void* opened_definition_ = nullptr;
  const void* chain_next_ = nullptr;
  std::vector<std::uint32_t> markers_; // where `for` and `:=` stand
  file_naming* out_;
};

void naming_walker::begin(TSNode) {
  detail::find_words(utf8_, "for", markers_);
  for (auto at = utf8_.find(":="); at != std::string_view::npos; at = utf8_.find(":=", at + 2))
    markers_.push_back(static_cast<std::uint32_t>(at));
  std::sort(markers_.begin(), markers_.end());
}

void naming_walker::finish(TSNode root) {
  std::stable_sort(out_->violations.begin(), out_->violations.end(),
                   [](const auto& a, const auto& b) { return a.line < b.line; });
  apply_noqa(root);
}

bool naming_walker::enter(TSNode node, std::uint32_t depth) {
  if (method_of_.size() <= depth)
    method_of_.resize(depth + 1);
  const int parent = depth > 0 ? method_of_[depth - 1] : -1;
  method_of_[depth] = -1;
  if (!ts_node_is_named(node))
    return false;
  auto symbol = ts_node_symbol(node);
  if (symbol == g_.block || symbol == g_.if_statement || symbol == g_.elif_clause
      || symbol == g_.else_clause || symbol == g_.for_statement
      || symbol == g_.while_statement || symbol == g_.with_statement
      || symbol == g_.finally_clause) {
    method_of_[depth] = parent;
    if (symbol == g_.for_statement)
      check_target(ts_node_child_by_field_id(node, g_.left_field));
  } else if (symbol == g_.try_statement) {
    // try ... except* (ast.TryStar) holds no methods for pep8-naming.
    bool star = false;
    auto count = ts_node_named_child_count(node);
    for (std::uint32_t i = 0; i < count && !star; ++i)
      star = symbol_of(ts_node_named_child(node, i)) == g_.except_group_clause;
    method_of_[depth] = star ? -1 : parent;
  } else if (symbol == g_.decorated_definition) {
    method_of_[depth] = parent;
    auto def = ts_node_child_by_field_id(node, g_.definition_field);
    if (!ts_node_is_null(def)) {
      open_definition(def, node, parent, node.id);
      opened_definition_ = def.id;
    }
  } else if (symbol == g_.class_definition || symbol == g_.function_definition) {
    if (opened_definition_ != node.id)
      open_definition(node, TSNode{}, parent, node.id);
    opened_definition_ = nullptr;
    if (symbol == g_.class_definition)
      method_of_[depth] = static_cast<int>(scopes_.size() - 1);
  } else if (symbol == g_.string) {
    auto t = text(node);
    for (char c : t) {
      if (c == '\'' || c == '"')
        return false;
      if (c == 'f' || c == 'F')
        return descend(symbol, node);
    }
    return false;
  } else if (symbol == g_.comment) {
    return false;
  } else if (symbol == g_.import_statement || symbol == g_.import_from_statement
             || symbol == g_.future_import_statement) {
    on_import(node);
    return false;
  } else if (symbol == g_.global_statement) {
    if (scopes_.back().kind == scope::function) {
      detail::named_children(node, cursor_, children_);
      for (auto name : children_)
        if (symbol_of(name) == g_.identifier)
          scopes_.back().globals.push_back(text(name));
    }
    return false;
  } else if (symbol == g_.assignment) {
    on_assignment(node);
  } else if (symbol == g_.named_expression) {
    auto value = detail::unwrap(ts_node_child_by_field_id(node, g_.value_field));
    bool namedtuple = false;
    if (symbol_of(value) == g_.call) {
      auto f = detail::unwrap(ts_node_child_by_field_id(value, g_.function_field));
      auto fs = symbol_of(f);
      namedtuple = (fs == g_.identifier && text(f) == "namedtuple")
                   || (fs == g_.attribute
                       && text(ts_node_child_by_field_id(f, g_.attribute_field)) == "namedtuple");
    }
    if (!namedtuple)
      check_target(ts_node_child_by_field_id(node, g_.name_field));
  } else if (symbol == g_.for_in_clause) {
    check_target(ts_node_child_by_field_id(node, g_.left_field));
  } else if (symbol == g_.with_item) {
    auto value = ts_node_child_by_field_id(node, g_.value_field);
    if (symbol_of(value) == g_.as_pattern) {
      auto alias = ts_node_child_by_field_id(value, g_.alias_field);
      if (!ts_node_is_null(alias) && ts_node_named_child_count(alias) > 0)
        check_target(ts_node_named_child(alias, 0));
    }
  } else if (symbol == g_.except_clause || symbol == g_.except_group_clause) {
    // ExceptHandler.name, reported on the handler's line.
    TSNode name = ts_node_child_by_field_id(node, g_.alias_field);
    if (ts_node_is_null(name)) {
      detail::named_children(node, cursor_, children_);
      for (auto child : children_)
        if (symbol_of(child) == g_.as_pattern) {
          auto alias = ts_node_child_by_field_id(child, g_.alias_field);
          if (!ts_node_is_null(alias) && ts_node_named_child_count(alias) > 0)
            name = ts_node_named_child(alias, 0);
          break;
        }
    }
    name = detail::unwrap(name);
    if (symbol_of(name) == g_.identifier)
      check_name(text(name), row(node));
  }
  return descend(symbol, node);
}

void naming_walker::leave(TSNode node) {
  if (scopes_.size() > 1 && scopes_.back().opened_by == node.id)
    close_scope();
}

void naming_walker::close_scope() {
  auto& s = scopes_.back();
  for (const auto& [name, r] : s.pending)
    if (std::find(s.globals.begin(), s.globals.end(), name) == s.globals.end())
      add("N806", r, name);
  scopes_.pop_back();
}

void naming_walker::open_definition(TSNode def, TSNode decorated, int method_of,
                                    const void* opened_by) {
  if (symbol_of(def) == g_.class_definition)
    on_class(def, opened_by);
  else
    on_function(def, decorated, method_of, opened_by);
}

// -- classes: N801, and what their methods are ---------------------------------

void naming_walker::on_class(TSNode node, const void* opened_by) {
  auto name = text(ts_node_child_by_field_id(node, g_.name_field));
  if (!ignored(name)) {
    auto stripped = name;
    while (!stripped.empty() && stripped.front() == '_')
      stripped.remove_prefix(1);
    while (!stripped.empty() && stripped.back() == '_')
      stripped.remove_suffix(1);
    if (!detail::py_first_isupper(stripped)
        || stripped.find('_') != std::string_view::npos)
      add("N801", row(node), stripped);
  }
  scope s;
  s.kind = scope::klass;
  s.opened_by = opened_by;
  // A base named `type` or `ABCMeta` (a name or an attribute's last part)
  // makes a metaclass.
  auto bases = ts_node_child_by_field_id(node, g_.superclasses_field);
  if (!ts_node_is_null(bases)) {
    detail::named_children(bases, cursor_, children_);
    for (auto base : children_) {
      base = detail::unwrap(base);
      auto b = symbol_of(base);
      std::string_view id = b == g_.identifier ? text(base)
                            : b == g_.attribute
                              ? text(ts_node_child_by_field_id(base, g_.attribute_field))
                              : std::string_view{};
      if (id == "type" || id == "ABCMeta")
        s.metaclass = true;
    }
  }
  // Late decorations: `m = classmethod(m)` among the body's own statements.
  auto body = ts_node_child_by_field_id(node, g_.body_field);
  auto body_text = text(body);
  if (!ts_node_is_null(body)
      && (body_text.find("classmethod") != std::string_view::npos
          || body_text.find("staticmethod") != std::string_view::npos)) {
    detail::named_children(body, cursor_, children_);
    std::vector<TSNode> statements = children_;
    for (auto statement : statements) {
      if (symbol_of(statement) != g_.expression_statement
          || ts_node_named_child_count(statement) == 0)
        continue;
      auto assignment = ts_node_named_child(statement, 0);
      if (symbol_of(assignment) != g_.assignment
          || !ts_node_is_null(ts_node_child_by_field_id(assignment, g_.type_field)))
        continue;
      auto value = ts_node_child_by_field_id(assignment, g_.right_field);
      while (symbol_of(value) == g_.assignment)
        value = ts_node_child_by_field_id(value, g_.right_field);
      value = detail::unwrap(value);
      if (symbol_of(value) != g_.call)
        continue;
      auto func = detail::unwrap(ts_node_child_by_field_id(value, g_.function_field));
      auto fname = text(func);
      if (symbol_of(func) != g_.identifier
          || (fname != "classmethod" && fname != "staticmethod"))
        continue;
      auto args = ts_node_child_by_field_id(value, g_.arguments_field);
      if (symbol_of(args) != g_.argument_list)
        continue;
      detail::named_children(args, cursor_, children_);
      TSNode only{};
      std::size_t positional = 0;
      for (auto arg : children_) {
        auto a = symbol_of(arg);
        if (a == g_.keyword_argument || a == g_.dictionary_splat)
          continue;
        ++positional;
        only = arg;
      }
      only = detail::unwrap(only);
      if (positional == 1 && symbol_of(only) == g_.identifier)
        s.late.emplace_back(text(only), fname == "classmethod" ? function_type::classmethod
                                                               : function_type::staticmethod);
    }
  }
  scopes_.push_back(std::move(s));
}

// -- defs: N802, N807, N803, N804, N805 ------------------------------------------

void naming_walker::on_function(TSNode node, TSNode decorated, int method_of,
                                const void* opened_by) {
  auto name = text(ts_node_child_by_field_id(node, g_.name_field));
  auto type = function_type::function;
  if (method_of >= 0 && static_cast<std::size_t>(method_of) < scopes_.size()) {
    const auto& cls = scopes_[static_cast<std::size_t>(method_of)];
    type = function_type::method;
    if (name == "__new__" || name == "__init_subclass__" || cls.metaclass)
      type = function_type::classmethod;
    auto late = std::find_if(cls.late.begin(), cls.late.end(),
                             [&](const auto& l) { return l.first == name; });
    if (late != cls.late.end()) {
      type = late->second;
    } else if (!ts_node_is_null(decorated)) {
      detail::named_children(decorated, cursor_, children_);
      for (auto decorator : children_) {
        if (symbol_of(decorator) != g_.decorator || ts_node_named_child_count(decorator) == 0)
          continue;
        auto expr = detail::unwrap(ts_node_named_child(decorator, 0));
        if (symbol_of(expr) != g_.identifier)
          continue;
        auto d = text(expr);
        if (d == "classmethod" || d == "staticmethod") {
          type = d == "classmethod" ? function_type::classmethod : function_type::staticmethod;
          break;
        }
      }
    }
  }

  // FunctionNameCheck.
  if (!ignored(name) && name != "__dir__" && name != "__getattr__") {
    if (detail::py_lower_changes(name))
      add("N802", row(node), name);
    if (type == function_type::function && name.size() >= 2 && name.substr(0, 2) == "__"
        && name.substr(name.size() - 2) == "__")
      add("N807", row(node), name);
  }

  // FunctionArgNamesCheck.
  [&] {
    auto params = ts_node_child_by_field_id(node, g_.parameters_field);
    if (ts_node_is_null(params))
      return;
    TSNode vararg{}, kwarg{};
    auto& args = args_; // posonly, args, kwonly: their name identifiers
    args.clear();
    detail::named_children(params, cursor_, children_);
    for (auto p : children_) {
      auto s = symbol_of(p);
      if (s == g_.typed_parameter && ts_node_named_child_count(p) > 0) {
        p = ts_node_named_child(p, 0);
        s = symbol_of(p);
      }
      if (s == g_.identifier) {
        args.push_back(p);
      } else if (s == g_.default_parameter || s == g_.typed_default_parameter) {
        args.push_back(ts_node_child_by_field_id(p, g_.name_field));
      } else if (s == g_.list_splat_pattern && ts_node_named_child_count(p) > 0) {
        vararg = ts_node_named_child(p, 0);
      } else if (s == g_.dictionary_splat_pattern && ts_node_named_child_count(p) > 0) {
        kwarg = ts_node_named_child(p, 0);
      }
    }
    for (auto special : {vararg, kwarg}) {
      if (symbol_of(special) != g_.identifier || ignored(text(special)))
        continue;
      if (detail::py_lower_changes(text(special))) {
        add("N803", row(special), text(special));
        return;
      }
    }
    if (args.empty())
      return;
    auto name0 = text(args[0]);
    if (type == function_type::method) {
      if (name0 != "self" && !ignored(name0))
        add("N805", row(args[0]), name0);
    } else if (type == function_type::classmethod) {
      if (name0 != "cls" && !ignored(name0))
        add("N804", row(args[0]), name0);
    }
    for (auto arg : args) {
      auto n = text(arg);
      if (detail::py_lower_changes(n) && !ignored(n)) {
        add("N803", row(arg), n);
        return;
      }
    }
  }();

  scope s;
  s.kind = scope::function;
  s.opened_by = opened_by;
  scopes_.push_back(std::move(s));
}

// -- imports: N811 to N814, N817 -------------------------------------------------

void naming_walker::on_import(TSNode node) {
  ts_tree_cursor_reset(&cursor_, node);
  if (!ts_tree_cursor_goto_first_child(&cursor_))
    return;
  std::vector<TSNode> aliased;
  do {
    auto child = ts_tree_cursor_current_node(&cursor_);
    if (ts_tree_cursor_current_field_id(&cursor_) == g_.name_field
        && symbol_of(child) == g_.aliased_import)
      aliased.push_back(child);
  } while (ts_tree_cursor_goto_next_sibling(&cursor_));
  for (auto a : aliased) {
    auto original = detail::dotted_text(ts_node_child_by_field_id(a, g_.name_field), utf8_);
    auto asname = text(ts_node_child_by_field_id(a, g_.alias_field));
    if (asname.empty())
      continue;
    const char* rule = nullptr;
    if (detail::py_isupper(original)) {
      if (!detail::py_isupper(asname))
        rule = "N811";
    } else if (detail::py_islower(original)) {
      if (detail::py_lower_changes(asname))
        rule = "N812";
    } else if (detail::py_islower(asname)) {
      rule = "N813";
    } else if (detail::py_isupper(asname)) {
      rule = detail::py_upper_chars(original) == asname ? "N817" : "N814";
    }
    if (rule)
      add(rule, row(node), asname);
  }
}

// -- variables: N806, N815, N816 -------------------------------------------------

void naming_walker::on_assignment(TSNode node) {
  auto right = ts_node_child_by_field_id(node, g_.right_field);
  bool inner = node.id == chain_next_;
  chain_next_ = symbol_of(right) == g_.assignment ? right.id : nullptr;
  if (inner)
    return; // a target of the outer assignment
  auto& targets = targets_;
  targets.assign(1, ts_node_child_by_field_id(node, g_.left_field));
  while (symbol_of(right) == g_.assignment) {
    targets.push_back(ts_node_child_by_field_id(right, g_.left_field));
    right = ts_node_child_by_field_id(right, g_.right_field);
  }
  // VariablesCheck.is_namedtupe(node.value).
  auto value = detail::unwrap(right);
  if (symbol_of(value) == g_.call) {
    auto f = detail::unwrap(ts_node_child_by_field_id(value, g_.function_field));
    auto fs = symbol_of(f);
    if ((fs == g_.identifier && text(f) == "namedtuple")
        || (fs == g_.attribute
            && text(ts_node_child_by_field_id(f, g_.attribute_field)) == "namedtuple"))
      return;
  }
  for (auto target : targets)
    check_target(target);
}

void naming_walker::collect_names(TSNode target, std::vector<std::string_view>& out) {
  // _extract_names: a Name, or the Names of a Tuple/List, nested ones and
  // starred ones included; attributes and subscripts have none.
  target = detail::unwrap(target);
  auto s = symbol_of(target);
  if (s == g_.identifier) {
    out.push_back(text(target));
    return;
  }
  if (s != g_.pattern_list && s != g_.tuple_pattern && s != g_.list_pattern && s != g_.tuple
      && s != g_.list && s != g_.expression_list)
    return;
  auto& stack = stack_;
  auto& elements = elements_;
  stack.clear();
  detail::named_children(target, cursor_, elements);
  for (auto it = elements.rbegin(); it != elements.rend(); ++it)
    stack.push_back(*it);
  while (!stack.empty()) {
    auto e = detail::unwrap(stack.back());
    stack.pop_back();
    auto es = symbol_of(e);
    if (es == g_.identifier) {
      out.push_back(text(e));
    } else if (es == g_.pattern_list || es == g_.tuple_pattern || es == g_.list_pattern
               || es == g_.tuple || es == g_.list || es == g_.expression_list
               || es == g_.list_splat_pattern || es == g_.list_splat) {
      detail::named_children(e, cursor_, elements);
      for (auto it = elements.rbegin(); it != elements.rend(); ++it)
        stack.push_back(*it);
    }
  }
}

void naming_walker::check_target(TSNode target) {
  if (ts_node_is_null(target))
    return;
  auto& names = names_;
  names.clear();
  collect_names(target, names);
  auto r = row(detail::unwrap(target));
  for (auto name : names)
    check_name(name, r);
}

void naming_walker::check_name(std::string_view name, std::uint32_t r) {
  if (ignored(name))
    return;
  auto& s = scopes_.back();
  if (s.kind == scope::function) {
    if (detail::py_lower_changes(name))
      s.pending.emplace_back(name, r);
  } else if (is_mixed_case(name)) {
    add(s.kind == scope::klass ? "N815" : "N816", r, name);
  }
}

// -- flake8's noqa ------------------------------------------------------------------

void naming_walker::apply_noqa(TSNode root) {
  auto& v = out_->violations;
  if (v.empty())
    return;
  auto marks = find_noqa(utf8_);
  if (marks.file) {
    v.clear();
    return;
  }
  if (!marks.inline_comment)
    return;
  // flake8 searches the physical lines of the violation's line joined with
  // every line a token continues onto: multi-line strings and backslash
  // continuations (newlines inside brackets end a group).
  std::vector<std::size_t> starts{0};
  for (std::size_t i = 0; i < utf8_.size(); ++i)
    if (utf8_[i] == '\n')
      starts.push_back(i + 1);
  std::vector<bool> joined(starts.size() + 1, false); // row joined with row + 1
  detail::walk_tree(
    root,
    [&](TSNode node, std::uint32_t) {
      auto s = ts_node_symbol(node);
      if (s == g_.string || s == g_.line_continuation) {
        auto a = ts_node_start_point(node).row;
        auto b = s == g_.string ? ts_node_end_point(node).row : a + 1;
        for (auto r = a; r < b && r < joined.size(); ++r)
          joined[r] = true;
        return false;
      }
      return ts_node_child_count(node) > 0;
    },
    [](TSNode, std::uint32_t) {});
  auto line_text = [&](std::size_t first, std::size_t last) {
    auto from = starts[std::min(first, starts.size() - 1)];
    auto to = last + 1 < starts.size() ? starts[last + 1] : utf8_.size();
    return utf8_.substr(from, to - from);
  };
  std::vector<naming_violation> kept;
  for (auto& violation : v) {
    std::size_t first = violation.line - 1, last = violation.line - 1;
    while (first > 0 && joined[first - 1])
      --first;
    while (last + 1 < starts.size() && joined[last])
      ++last;
    if (!noqa_silences(line_text(first, last), violation.rule))
      kept.push_back(std::move(violation));
  }
  v = std::move(kept);
}

} // namespace

std::unique_ptr<detail::check_pass> detail::make_naming_pass(std::string_view utf8, TSNode root,
                                                             file_naming& out) {
  return std::make_unique<naming_walker>(utf8, root, out);
}

file_naming extract_naming(const syntax_tree& tree, std::string_view utf8) {
  return detail::checks_of(tree, utf8).naming;
}

} // namespace troupe::actors
