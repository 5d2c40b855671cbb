// File: the functions and classes of one Python file, as Python's `ast`
// reports them (the record of the `symbols` agent), in the form the
// extraction builds; a run holds them decoded as a symbols_view
// (symbols_view.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace troupe::actors {

/// One `def` or `async def`, anywhere in the file (methods and nested ones too).
struct function_record {
  /// Python's `__qualname__`: `C.m`, `f.<locals>.g`, `C.m.<locals>.D`.
  std::string qualname;
  /// The name after `def`.
  std::string name;
  /// Line of the `def` (or `async`) keyword, 1-based; decorators excluded.
  std::uint32_t line = 0;
  /// Last line of the last statement of the body (ast's `end_lineno`).
  std::uint32_t end_line = 0;
  /// Whether it is an `async def`.
  bool is_async = false;
  /// Whether the enclosing scope is a class body.
  bool is_method = false;
  /// Parameter names in ast order: positional-only, regular, *args,
  /// keyword-only, **kwargs (without the stars).
  std::vector<std::string> params;
  /// How many of `params` carry an annotation.
  std::uint32_t annotated_params = 0;
  /// Whether the first of `params` carries one (for methods: the receiver).
  bool first_param_annotated = false;
  /// Whether the def has a `->` return annotation.
  bool returns_annotated = false;
  /// Source text of each decorator expression, without the `@`.
  std::vector<std::string> decorators;
  /// Whether `ast.get_docstring` would return a docstring.
  bool has_docstring = false;
  /// The signature as written, whitespace collapsed: `(a, b: int = 1) -> str`.
  std::string signature;
  /// Callees of the calls in the body (nested defs excluded), distinct, in
  /// order of first appearance: a name (`f`) or a dotted chain of names
  /// (`self.m`, `os.path.join`); calls on other expressions are left out.
  std::vector<std::string> calls;
  /// Hash of the def's token kinds with identifiers and literals abstracted
  /// (equal for bodies that differ only in names and constants); 0 when the
  /// file has syntax errors.
  std::uint64_t body_hash = 0;
  /// Number of tokens hashed into body_hash.
  std::uint32_t body_tokens = 0;
  /// First non-blank line of the docstring, trimmed (escapes not processed).
  std::string summary;
  /// For a def with an import statement of its own: every name read in it
  /// (nested defs included), sorted; empty otherwise. Tells whether a
  /// function-scope import is used.
  std::vector<std::string> local_names;
};

/// One `class` statement, anywhere in the file.
struct class_record {
  /// Python's `__qualname__`, as for functions.
  std::string qualname;
  /// The class name.
  std::string name;
  /// Line of the `class` keyword, 1-based; decorators excluded.
  std::uint32_t line = 0;
  /// Last line of the last statement of the body (ast's `end_lineno`).
  std::uint32_t end_line = 0;
  /// Source text of each positional base (ast's `bases`; keywords such as
  /// `metaclass=` are not bases).
  std::vector<std::string> bases;
  /// Source text of each decorator expression, without the `@`.
  std::vector<std::string> decorators;
  /// Whether `ast.get_docstring` would return a docstring.
  bool has_docstring = false;
  /// First non-blank line of the docstring, trimmed (escapes not processed).
  std::string summary;
};

/// Everything the symbol extraction found in one file, in source order.
struct file_symbols {
  /// Syntax errors in the tree (ERROR plus MISSING nodes); when it is not 0
  /// Python would reject the file and the records are a best effort.
  std::uint32_t parse_errors = 0;
  /// Functions ordered by the position of their `def`.
  std::vector<function_record> functions;
  /// Classes ordered by the position of their `class`.
  std::vector<class_record> classes;
  /// Every identifier the file reads or binds outside import statements,
  /// def/class names, parameters and keyword-argument names, distinct and
  /// sorted; names inside string annotations (`x: "Foo"`) count too.
  std::vector<std::string> names;
  /// Attribute names accessed anywhere (`x.attr`), distinct and sorted.
  std::vector<std::string> attributes;
  /// The string entries of `__all__` (assigned, `+=`, `.extend`, `.append`).
  std::vector<std::string> exports;
  /// Whether the module defines `__all__` at all.
  bool has_all = false;
  /// Callees of calls outside any def (as function_record::calls).
  std::vector<std::string> module_calls;
  /// First non-blank line of the module docstring.
  std::string module_summary;
};

} // namespace troupe::actors
