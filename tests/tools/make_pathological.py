#!/usr/bin/python3
"""Writes the pathological input set: one folder per case below OUT.

    /usr/bin/python3 tests/tools/make_pathological.py OUT [--scale S]

Each case is a small source tree that stresses one part of a run: deep
nesting, long lines, long expressions, huge string literals, runs of comments
and line continuations (quadratic in the grammar's scanner), many tiny files,
odd file names (bytes that are not UTF-8, spaces, a newline, 255-byte names,
deep folders), binary and NUL bytes, a file at the size limit. Every case
also holds ok.py, one ordinary file the run must analyse. The test
test_pathological runs troupe on every case under a budget and checks time
and peak RSS; run it by hand to see the figures per case. --scale multiplies
the sizes (default 1; the cases are sized to cost a few seconds each without
a budget, or far more where the cost is quadratic).
"""

import argparse
import os
import sys

ORDINARY = b"def ordinary(a, b=1):\n    return a + b\n"


def case(out, name, files):
    """Writes files ({relative path bytes: content bytes}) of case `name`."""
    root = os.path.join(out, name).encode()
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, b"ok.py"), "wb") as f:
        f.write(ORDINARY)
    for rel, content in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    s = args.scale

    def n(count):
        return max(1, int(count * s))

    out = args.out
    os.makedirs(out, exist_ok=True)

    # Deep nesting.
    case(out, "nested_parens", {b"p.py": b"x = " + b"(" * 190 + b"1" + b")" * 190 + b"\n"})
    case(out, "nested_brackets_invalid",
         {b"b.py": b"x = " + b"[" * n(20000) + b"1" + b"]" * n(20000) + b"\n"})
    case(out, "unclosed_brackets", {b"u.py": b"x = " + b"(" * n(70000) + b"\n"})
    case(out, "nested_blocks",
         {b"k.py": b"".join(b"    " * i + b"if x:\n" for i in range(n(99)))
          + b"    " * n(99) + b"pass\n"})
    case(out, "nested_ternary",
         {b"t.py": b"x = " + b"a if b else " * n(20000) + b"c\n"})

    # Long lines and long expressions.
    case(out, "long_line_list",
         {b"l.py": b"x = [" + b",".join(b"%d" % i for i in range(n(200000))) + b"]\n"})
    case(out, "long_sum", {b"s.py": b"x = 1" + b"+1" * n(1000000) + b"\n"})
    case(out, "long_attribute_chain", {b"a.py": b"x = a" + b".b" * n(300000) + b"\n"})
    case(out, "long_call_chain", {b"c.py": b"x = f" + b"()" * n(300000) + b"\n"})
    case(out, "long_not_chain", {b"n.py": b"x = " + b"not " * n(100000) + b"y\n"})
    case(out, "many_statements", {b"m.py": b"x = 1\n" * n(400000)})

    # Huge string literals.
    case(out, "huge_string", {b"h.py": b"x = '" + b"a" * n(4000000) + b"'\n"})
    case(out, "huge_triple_quoted",
         {b"q.py": b'x = """' + b"line of text\n" * n(300000) + b'"""\n'})
    case(out, "huge_escapes", {b"e.py": b"x = '" + b"\\x41\\n" * n(600000) + b"'\n"})
    case(out, "unterminated_string", {b"z.py": b"x = '" + b"a" * n(3000000) + b"\n"})

    # Runs the grammar's scanner walks again for every token in them.
    case(out, "continuations", {b"k.py": b"x = 1" + b" \\\n" * n(500000) + b"\n"})
    case(out, "continuations_in_block",
         {b"k.py": b"def f():\n    x = 1" + b" \\\n" * n(100000) + b"\n    return x\n"})
    case(out, "comments_in_block",
         {b"c.py": b"def f():\n    x = 1\n" + b"    #c\n" * n(100000) + b"    return x\n"})
    case(out, "blank_lines", {b"b.py": b"x = 1\n" + b"\n" * n(2000000) + b"y = 2\n"})

    # Many tiny files, and odd names.
    case(out, "many_tiny_files",
         {b"d%02d/f%04d.py" % (i % 50, i): b"x = %d\n" % i for i in range(n(3000))})
    case(out, "odd_names", {
        b"not-utf8-\xff.py": b"x = 1\n",
        b"dir-\xfe/inner.py": b"y = 2\n",
        b"with space.py": b"z = 3\n",
        b"new\nline.py": b"w = 4\n",
        b"-.py": b"v = 5\n",
        b".hidden.py": b"u = 6\n",
        b"\xc3\xa9t\xc3\xa9.py": b"t = 7\n",
        b"n" * 252 + b".py": b"s = 8\n",
        b"/".join([b"d%03d" % i for i in range(60)]) + b"/deep.py": b"r = 9\n",
    })

    # Bytes that are not text, and a file at the size limit.
    case(out, "binary_and_nul", {
        b"bin.py": bytes(range(256)) * 64,
        b"nul.py": b"x = 1\x00\ny = 2\n",
        b"bom_then_latin1.py": b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
    })
    body = b"def f%d(a, b):\n    if a:\n        return [x * b for x in range(a)]\n    return None\n\n"
    text = b"".join(body % i for i in range(n(60000)))
    case(out, "size_limit", {b"big.py": text[:5 * 1024 * 1024 - 100]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
