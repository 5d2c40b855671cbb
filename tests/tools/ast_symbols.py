#!/usr/bin/python3
"""Functions and classes of .py files as Python's own `ast` reports them.

The reference for troupe's `symbols` agent. Run it with Debian's Python 3.11
(/usr/bin/python3), whose grammar troupe targets:

    /usr/bin/python3 tests/tools/ast_symbols.py ROOT [FILE ...] [--full]

prints {"files": {relative_path: {"functions": [...], "classes": [...]}},
"unparsed": {relative_path: reason}} for every .py file below ROOT (or only
the FILEs given, relative to ROOT), in the order of (line, column) of each
def/class keyword. Each record has qualname, name, line, end_line; --full adds
the remaining fields of troupe's function_record/class_record.
`--self-check` compiles each file and compares the qualnames with the
`co_qualname` CPython gives the code objects.
"""

import argparse
import ast
import io
import json
import os
import sys
import tokenize
import warnings

FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPE_TYPES = FUNCTION_TYPES + (ast.ClassDef, ast.Lambda)


def python_files(root):
    """Relative paths of the .py files below root, symlinks not followed."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if not os.path.islink(os.path.join(dirpath, d)))
        for name in filenames:
            path = os.path.join(dirpath, name)
            if name.endswith(".py") and not os.path.islink(path) \
                    and os.path.isfile(path):
                found.append(os.path.relpath(path, root).replace(os.sep, "/"))
    return sorted(found)


def declared_globals(scope_node):
    """Names declared `global` directly in a scope (not in nested scopes)."""
    names = set()
    stack = list(ast.iter_child_nodes(scope_node))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Global):
            names.update(node.names)
        elif not isinstance(node, SCOPE_TYPES):
            stack.extend(ast.iter_child_nodes(node))
    return names


def segment(source, node):
    """The source text of an expression, as troupe's records keep it."""
    return ast.get_source_segment(source, node)


def symbols_of(tree, source=None, full=False):
    """(functions, classes) of a parsed module, with CPython's qualnames.

    A scope is (kind, qualname, names declared global in it), kind being
    module, function, class or lambda as in CPython's compiler_set_qualname.
    """
    functions, classes = [], []
    module = ("module", "", declared_globals(tree))
    stack = [(child, module) for child in reversed(tree.body)]
    while stack:
        node, scope = stack.pop()
        if not isinstance(node, SCOPE_TYPES):
            stack.extend((child, scope)
                         for child in ast.iter_child_nodes(node))
            continue
        kind, qualname, declared = scope
        lambda_node = isinstance(node, ast.Lambda)
        name = "<lambda>" if lambda_node else node.name
        if kind != "module" and not (name in declared and not lambda_node):
            separator = ".<locals>." if kind in ("function", "lambda") else "."
            name_path = qualname + separator + name
        else:
            name_path = name
        child_kind = "lambda" if lambda_node else \
            "class" if isinstance(node, ast.ClassDef) else "function"
        inner = (child_kind, name_path, declared_globals(node))
        if not lambda_node:
            record = {"qualname": name_path, "name": name,
                      "line": node.lineno, "end_line": node.end_lineno,
                      "_col": node.col_offset}
            if full:
                record.update(details(node, kind, source))
            (classes if child_kind == "class" else functions).append(record)
        # Decorators, defaults, annotations and bases belong to the outer
        # scope; only the body is inside the new one.
        body = [node.body] if lambda_node else node.body
        stack.extend((statement, inner) for statement in body)
        for field, value in ast.iter_fields(node):
            if field == "body":
                continue
            values = value if isinstance(value, list) else [value]
            stack.extend((v, scope) for v in values if isinstance(v, ast.AST))
    for records in (functions, classes):
        records.sort(key=lambda r: (r["line"], r["_col"]))
        for record in records:
            del record["_col"]
    return functions, classes


def details(node, parent_kind, source):
    decorators = [segment(source, d) for d in node.decorator_list]
    docstring = ast.get_docstring(node, clean=False) is not None
    if isinstance(node, ast.ClassDef):
        return {"bases": [segment(source, b) for b in node.bases],
                "decorators": decorators, "has_docstring": docstring}
    args = node.args
    params = args.posonlyargs + args.args
    params += [args.vararg] if args.vararg else []
    params += args.kwonlyargs
    params += [args.kwarg] if args.kwarg else []
    return {"is_async": isinstance(node, ast.AsyncFunctionDef),
            "is_method": parent_kind == "class",
            "params": [p.arg for p in params],
            "annotated_params": sum(p.annotation is not None for p in params),
            "returns_annotated": node.returns is not None,
            "decorators": decorators, "has_docstring": docstring}


def code_qualnames(code):
    """co_qualname of every function and class body code object."""
    found = []
    for const in code.co_consts:
        if hasattr(const, "co_qualname"):
            if not const.co_name.startswith("<"):
                found.append(const.co_qualname)
            found.extend(code_qualnames(const))
    return found


def extract(root, relpath, full=False, self_check=False):
    """(functions, classes, self-check misses) of one file; raises what
    ast.parse raises (SyntaxError, ValueError, ...) for a file it rejects."""
    with open(os.path.join(root, relpath), "rb") as stream:
        data = stream.read()
    with warnings.catch_warnings():
        # Invalid escape sequences and the like are not our business.
        warnings.simplefilter("ignore")
        tree = ast.parse(data, filename=relpath)
    source = data.decode(detect_encoding(data)) if full else None
    functions, classes = symbols_of(tree, source, full)
    if self_check:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = compile(data, relpath, "exec", dont_inherit=True)
        except SyntaxError:
            return functions, classes, None
        # The compiler drops code after `return`, so a def of ours may have
        # no code object; every code object must match one of ours, though.
        ours = {r["qualname"] for r in functions + classes}
        missing = sorted(set(code_qualnames(code)) - ours)
        return functions, classes, missing
    return functions, classes, None


def detect_encoding(data):
    """The codec Python reads `data` with (BOM and PEP 263 cookie)."""
    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("files", nargs="*",
                        help="files relative to ROOT (default: all .py files)")
    parser.add_argument("--full", action="store_true",
                        help="add params, decorators, docstring, ... fields")
    parser.add_argument("--self-check", action="store_true",
                        help="compare qualnames with compiled co_qualname")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(10000)
    files = args.files or python_files(args.root)
    result = {"files": {}, "unparsed": {}}
    check_failures = 0
    for relpath in files:
        try:
            functions, classes, check = extract(args.root, relpath, args.full,
                                                args.self_check)
        except (SyntaxError, ValueError, UnicodeError, RecursionError,
                MemoryError) as error:
            result["unparsed"][relpath] = f"{type(error).__name__}: {error}"
            continue
        result["files"][relpath] = {"functions": functions, "classes": classes}
        if check:
            check_failures += 1
            print(f"self-check {relpath}: co_qualname not found: {check}",
                  file=sys.stderr)
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 1 if check_failures else 0


if __name__ == "__main__":
    sys.exit(main())
