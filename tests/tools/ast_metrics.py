#!/usr/bin/python3
"""Reference values for troupe's size, complexity, imports, docstrings and
todos agents, computed by Python's own tools.

Run it with Debian's Python 3.11 (/usr/bin/python3), which has python3-mccabe:

    /usr/bin/python3 tests/tools/ast_metrics.py ROOT [FILE ...]
        [--agents size,complexity,imports,docstrings,todos] [--jobs N]

prints {"files": {relative_path: {agent: record}}, "unparsed": {path: reason}}
for every .py file below ROOT (or the FILEs given, relative to ROOT) that
ast.parse accepts. Records, with the rules of troupe's headers:
  size        {total, code, comment, blank, docstring} from tokenize tokens
              and the docstring nodes of ast (troupe/actors/file/size_metrics.hpp)
  complexity  [{key, line, column, complexity}]: mccabe's
              PathGraphingAstVisitor graphs (troupe/actors/file/complexity.hpp)
  imports     [{module, alias, names: [[name, alias]], line, level,
              from_import, conditional, in_function}] from ast.Import and
              ast.ImportFrom anywhere, in (line, column) order
  docstrings  {module, classes: [[qualname, line, present]], functions: ...}
              from ast.get_docstring
  todos       [{line, tag, text}] from tokenize COMMENT tokens
"""

import argparse
import ast
import io
import json
import os
import re
import sys
import tokenize
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ast_symbols  # noqa: E402

AGENTS = ("size", "complexity", "imports", "docstrings", "todos")
TAG = re.compile(r"\b(TODO|FIXME|XXX|HACK)\b")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
NOT_CODE = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER, tokenize.ENCODING}


def complexity(tree):
    import mccabe
    visitor = mccabe.PathGraphingAstVisitor()
    visitor.preorder(tree, visitor)
    return [{"key": key, "line": graph.lineno, "column": graph.column,
             "complexity": graph.complexity()}
            for key, graph in visitor.graphs.items()]


def imports(tree):
    found = []
    stack = [(child, False, False) for child in tree.body]
    while stack:
        node, nested, in_function = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            common = {"line": node.lineno, "conditional": nested,
                      "in_function": in_function, "_col": node.col_offset}
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(dict(common, module=alias.name,
                                  alias=alias.asname or "", names=[],
                                  level=0, from_import=False))
        elif isinstance(node, ast.ImportFrom):
            found.append(dict(common, module=node.module or "", alias="",
                              names=[[a.name, a.asname or ""]
                                     for a in node.names],
                              level=node.level, from_import=True))
        inner = in_function or isinstance(node, FUNCTIONS)
        stack.extend((child, True, inner)
                     for child in ast.iter_child_nodes(node))
    found.sort(key=lambda r: (r["line"], r["_col"]))
    for record in found:
        del record["_col"]
    return found


def docstring_nodes(tree):
    """(node, qualname or None) for the module and every class and def."""
    yield tree, None
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, FUNCTIONS + (ast.ClassDef,)):
            yield node, True
        stack.extend(ast.iter_child_nodes(node))


def docstrings(tree):
    functions, classes = ast_symbols.symbols_of(tree)
    present = {}
    for node, _ in docstring_nodes(tree):
        if node is not tree:
            present[node.lineno] = \
                ast.get_docstring(node, clean=False) is not None
    return {"module": ast.get_docstring(tree, clean=False) is not None,
            "classes": [[r["qualname"], r["line"], present[r["line"]]]
                        for r in classes],
            "functions": [[r["qualname"], r["line"], present[r["line"]]]
                          for r in functions]}


def lines_of(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def size(tree, data, tokens):
    text = data.decode(ast_symbols.detect_encoding(data))
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = lines_of(text)
    flags = [0] * len(lines)  # 1 token, 2 comment, 4 docstring
    for token in tokens:
        if token.type == tokenize.COMMENT:
            flags[token.start[0] - 1] |= 2
        elif token.type not in NOT_CODE:
            for row in range(token.start[0], token.end[0] + 1):
                if row <= len(flags):
                    flags[row - 1] |= 1
    for node, _ in docstring_nodes(tree):
        if ast.get_docstring(node, clean=False) is not None:
            value = node.body[0].value
            for row in range(value.lineno, value.end_lineno + 1):
                flags[row - 1] |= 4
    counts = {"total": len(lines), "code": 0, "comment": 0, "blank": 0,
              "docstring": 0}
    for line, flag in zip(lines, flags):
        has_text = line.strip(" \t\f\r\v") != ""
        if flag & 4:
            counts["docstring"] += 1
        elif flag & 1 or (has_text and not flag & 2):
            counts["code"] += 1
        elif flag & 2:
            counts["comment"] += 1
        else:
            counts["blank"] += 1
    return counts


def todos(tokens):
    found = []
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = TAG.search(token.string)
        if match:
            found.append({"line": token.start[0], "tag": match.group(1),
                          "text": token.string[1:].strip(" \t\f\r\v\n")})
    return found


def analyse(root, relpath, agents):
    """{agent: record} of one file; raises what ast.parse raises."""
    with open(os.path.join(root, relpath), "rb") as stream:
        data = stream.read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(data, filename=relpath)
    tokens = None
    if "size" in agents or "todos" in agents:
        tokens = list(tokenize.tokenize(io.BytesIO(data).readline))
    out = {}
    for agent in agents:
        if agent == "size":
            out[agent] = size(tree, data, tokens)
        elif agent == "complexity":
            out[agent] = complexity(tree)
        elif agent == "imports":
            out[agent] = imports(tree)
        elif agent == "docstrings":
            out[agent] = docstrings(tree)
        elif agent == "todos":
            out[agent] = todos(tokens)
    return out


def analyse_or_reason(job):
    """(record, None) or (None, why ast or tokenize rejected the file)."""
    sys.setrecursionlimit(10000)
    try:
        return analyse(*job), None
    except (SyntaxError, ValueError, UnicodeError, RecursionError,
            MemoryError, tokenize.TokenError) as error:
        return None, f"{type(error).__name__}: {error}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("files", nargs="*")
    parser.add_argument("--agents", default=",".join(AGENTS))
    parser.add_argument("--jobs", type=int, default=1,
                        help="worker processes (default 1)")
    args = parser.parse_args(argv)
    agents = [a for a in args.agents.split(",") if a]
    unknown = set(agents) - set(AGENTS)
    if unknown:
        parser.error(f"unknown agents: {sorted(unknown)}")
    files = args.files or ast_symbols.python_files(args.root)
    jobs = [(args.root, relpath, agents) for relpath in files]
    if args.jobs > 1:
        import multiprocessing
        with multiprocessing.Pool(args.jobs) as pool:
            outcomes = pool.map(analyse_or_reason, jobs, chunksize=16)
    else:
        outcomes = map(analyse_or_reason, jobs)
    result = {"files": {}, "unparsed": {}}
    for relpath, (record, reason) in zip(files, outcomes):
        if reason is None:
            result["files"][relpath] = record
        else:
            result["unparsed"][relpath] = reason
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
