#!/usr/bin/python3
"""Compares troupe's unused imports with `flake8 --select=F401` on a tree.

Usage: /usr/bin/python3 compare_f401.py REPORT.json ROOT [--json OUT]

REPORT.json is `troupe run ROOT`'s report. flake8 (Debian's flake8 5.0.4,
pyflakes 2.5.0) runs on the files troupe analysed and Python parses; both
sides' (path, line, name) triples are compared. Star imports ('m.*') are
left out and counted: troupe never reports them (which names they bring
depends on the imported module). Prints precision and recall of troupe
against flake8 and the first disagreements of each side.
"""
import ast
import json
import os
import re
import subprocess
import sys
import warnings


def parses(path):
    try:
        with open(path, "rb") as f:
            source = f.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source, filename=path)
        return True
    except (SyntaxError, ValueError, OSError):
        return False


def main():
    args = sys.argv[1:]
    out_json = None
    if "--json" in args:
        i = args.index("--json")
        out_json = args[i + 1]
        del args[i:i + 2]
    report_path, root = args
    with open(report_path) as f:
        report = json.load(f)
    files = [f["path"] for f in report["files"]
             if f["state"] == "parsed" and parses(os.path.join(root, f["path"]))]
    ours = set()
    for f in report["files"]:
        if f["path"] in files:
            for u in f["unused_imports"]:
                ours.add((f["path"], u["line"], u["name"]))
    theirs = set()
    star = 0
    line_re = re.compile(r"^(.*?)\t(\d+)\t'(.*)' imported but unused$")
    for start in range(0, len(files), 200):
        chunk = files[start:start + 200]
        proc = subprocess.run(
            # The flake8 script, not `python3 -m flake8`: run from inside
            # a package, -m would import its modules (types.py, token.py)
            # in place of the standard library's.
            ["/usr/bin/flake8", "--select=F401", "--isolated",
             "--format=%(path)s\t%(row)d\t%(text)s"] + chunk,
            cwd=root, capture_output=True, text=True)
        if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
            print(proc.stderr, file=sys.stderr)
            sys.exit(2)
        for line in proc.stdout.splitlines():
            m = line_re.match(line)
            if not m:
                continue
            path = os.path.normpath(m.group(1))
            name = m.group(3)
            if name.endswith(".*"):
                star += 1
                continue
            theirs.add((path, int(m.group(2)), name))
    both = ours & theirs
    precision = len(both) / len(ours) if ours else 1.0
    recall = len(both) / len(theirs) if theirs else 1.0
    result = {"root": root, "files": len(files), "troupe": len(ours), "flake8": len(theirs),
              "agree": len(both), "precision": precision, "recall": recall,
              "star_imports_left_out": star,
              "only_troupe": sorted(map(list, ours - theirs))[:40],
              "only_flake8": sorted(map(list, theirs - ours))[:40]}
    print(f"F401 on {root}: {len(files)} files, troupe {len(ours)}, flake8 {len(theirs)}, "
          f"agree {len(both)}, precision {precision:.4f}, recall {recall:.4f} "
          f"(star imports left out: {star})")
    for item in result["only_troupe"][:10]:
        print("  only troupe:", *item)
    for item in result["only_flake8"][:10]:
        print("  only flake8:", *item)
    if out_json:
        with open(out_json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
