#!/usr/bin/python3
"""Compares troupe's corpus agents with independent tools on one tree.

Usage: /usr/bin/python3 compare_corpus.py REPORT.json ROOT [--json OUT]

Run it with Debian's interpreter (/usr/bin/python3): pyflakes and networkx
are Debian packages (pyflakes3, python3-networkx).

- unused_imports vs flake8's F401: pyflakes' "imported but unused"
  (UnusedImport messages) less those flake8's noqa comments silence, on
  files Python parses (`__init__.py` files included). Deliberate
  differences, left out of the comparison and counted in the output:
  * star imports (`'m.*' imported but unused`): troupe does not report them,
    since which names they provide depends on the imported module;
  * names exported with `__all__.extend([...])` / `__all__.append(...)`:
    troupe counts them as exported, pyflakes 2.5 only reads `__all__ = ...`
    and `__all__ += ...`.
- import_cycles vs networkx.strongly_connected_components on the edges of
  report.json's import graph (components of two or more modules).
- type coverage vs Python's ast: per function, parameters (positional-only,
  regular, *args, keyword-only, **kwargs) and annotations; the first
  parameter of a method named self or cls, when unannotated, is not counted.

Prints one line per check and exits 0; the Catch2 test applies the bounds.
"""
import ast
import json
import os
import sys
import warnings

import re

import networkx
from flake8.defaults import NOQA_FILE, NOQA_INLINE_REGEXP
from pyflakes import checker, messages


def pyflakes_unused(root, path):
    with open(os.path.join(root, path), "rb") as f:
        source = f.read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(source, filename=path)
    w = checker.Checker(tree, filename=path)
    lines = source.decode("utf-8", "replace").splitlines()
    if any(NOQA_FILE.match(line) for line in lines):
        return set()
    return {(m.lineno, m.message_args[0]) for m in w.messages
            if isinstance(m, messages.UnusedImport) and not noqa_silences(lines, m.lineno)}


def noqa_silences(lines, lineno):
    """flake8 5's inline noqa on the reported physical line, for F401."""
    if lineno > len(lines):
        return False
    match = NOQA_INLINE_REGEXP.search(lines[lineno - 1])
    if not match:
        return False
    codes = match.group("codes")
    if not codes:
        return True
    listed = [c for c in re.split(r"[,\s]+", codes) if c]
    return any("F401".startswith(c) for c in listed)


def extended_exports(tree):
    """Names added to __all__ through .extend([...]) or .append(...)."""
    names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "__all__"
                and node.func.attr in ("extend", "append")):
            for arg in node.args:
                elts = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg]
                for e in elts:
                    if isinstance(e, ast.Constant) and isinstance(e.value, str):
                        names.add(e.value)
    return names


def bound_name(message_name):
    """The name an import binds, from pyflakes' text ('a.b as c' -> 'c')."""
    if " as " in message_name:
        return message_name.split(" as ")[1]
    return message_name.rsplit(".", 1)[-1]


def parses(root, path):
    try:
        with open(os.path.join(root, path), "rb") as f:
            source = f.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=path)
    except (SyntaxError, ValueError):
        return None


def methods_of(tree):
    """ids of the defs whose nearest enclosing def or class is a class (also
    through if/try/with blocks in the class body)."""
    found = set()

    def visit(node, in_class):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if in_class:
                    found.add(id(child))
                visit(child, False)
            elif isinstance(child, ast.ClassDef):
                visit(child, True)
            else:
                visit(child, in_class)
    visit(tree, False)
    return found


def ast_type_counts(tree):
    params = annotated = returns = annotated_returns = 0
    class_bodies = methods_of(tree)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        a = node.args
        every = list(a.posonlyargs) + list(a.args)
        if a.vararg:
            every.append(a.vararg)
        every += list(a.kwonlyargs)
        if a.kwarg:
            every.append(a.kwarg)
        if (id(node) in class_bodies and every and every[0].arg in ("self", "cls")
                and every[0].annotation is None):
            every = every[1:]
        params += len(every)
        annotated += sum(1 for p in every if p.annotation is not None)
        returns += 1
        annotated_returns += node.returns is not None
    return params, annotated, returns, annotated_returns


def report_type_counts(functions):
    params = annotated = returns = annotated_returns = 0
    for fn in functions:
        n = len(fn["params"])
        if fn["method"] and fn["params"] and fn["params"][0] in ("self", "cls") \
                and not fn["first_param_annotated"]:
            n -= 1
        params += n
        annotated += fn["annotated_params"]
        returns += 1
        annotated_returns += fn["returns_annotated"]
    return params, annotated, returns, annotated_returns


def main():
    report_path, root = sys.argv[1], sys.argv[2]
    out_path = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--json" else None
    with open(report_path) as f:
        report = json.load(f)
    result = {}

    # unused imports
    ours, theirs = set(), set()
    deliberate = {"star_imports": 0, "extended_all": 0}
    type_mismatch = []
    files = 0
    for f in report["files"]:
        if f["state"] != "parsed":
            continue
        path = f["path"]
        tree = parses(root, path)
        if tree is None:
            continue
        files += 1
        for u in f["unused_imports"]:
            ours.add((path, u["line"], u["name"]))
        extended = extended_exports(tree)
        for line, name in pyflakes_unused(root, path):
            if name.endswith(".*"):
                deliberate["star_imports"] += 1
            elif bound_name(name) in extended:
                deliberate["extended_all"] += 1
            else:
                theirs.add((path, line, name))
        if ast_type_counts(tree) != report_type_counts(f["functions"]):
            type_mismatch.append((path, ast_type_counts(tree), report_type_counts(f["functions"])))
    both = ours & theirs
    precision = len(both) / len(ours) if ours else 1.0
    recall = len(both) / len(theirs) if theirs else 1.0
    result["unused_imports"] = {
        "files": files, "deliberate": deliberate,
        "troupe": len(ours),
        "pyflakes": len(theirs), "agree": len(both), "precision": precision, "recall": recall,
        "only_troupe": sorted(map(list, ours - theirs))[:40],
        "only_pyflakes": sorted(map(list, theirs - ours))[:40],
    }
    print(f"unused_imports: troupe {len(ours)}, pyflakes {len(theirs)}, agree {len(both)}, "
          f"precision {precision:.4f}, recall {recall:.4f} "
          f"({files} files, deliberate differences "
          f"left out: {deliberate})")

    # import cycles
    g = networkx.DiGraph()
    for a, b, _line in report["modules"]["import_graph"]["edges"]:
        g.add_edge(a, b)
    nx_cycles = {frozenset(c) for c in networkx.strongly_connected_components(g) if len(c) >= 2}
    our_cycles = {frozenset(c) for c in report["modules"]["cycles"]}
    result["import_cycles"] = {"troupe": len(our_cycles), "networkx": len(nx_cycles),
                               "equal": nx_cycles == our_cycles,
                               "sizes": sorted((len(c) for c in nx_cycles), reverse=True)}
    print(f"import_cycles: troupe {len(our_cycles)}, networkx {len(nx_cycles)}, "
          f"equal {nx_cycles == our_cycles}")

    # type coverage
    result["type_coverage"] = {"files": files, "mismatches": len(type_mismatch),
                               "examples": type_mismatch[:10]}
    print(f"type_coverage: {files - len(type_mismatch)} of {files} files agree with ast")
    for m in type_mismatch[:10]:
        print("  differs:", m)

    if out_path:
        with open(out_path, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
