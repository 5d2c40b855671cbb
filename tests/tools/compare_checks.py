#!/usr/bin/python3
"""Compares troupe's `security` and `naming` records with bandit and flake8.

Run with Debian's /usr/bin/python3 (bandit 1.6.2, flake8 5 and
python3-pep8-naming 0.10.0 are Debian packages):

  /usr/bin/python3 tests/tools/compare_checks.py ROOT --ours OURS.json
      [--every N] [--also RELPATH ...] [--json OUT] [--expected FILE]
      [--write-expected FILE]

OURS.json is what troupe_checks_dump ROOT prints. The references:

  /usr/bin/python3 -m bandit -f json -q FILE...          (all rules but B105)
  /usr/bin/python3 -m flake8 --isolated --select=N8 FILE...

and, for B105 only, bandit with its string visitor restored: bandit 1.6.2
visits `Str` nodes, which Python 3.8+ no longer produces (strings are
`Constant`), so plain bandit never reports B105 on Python 3.11. The shim maps
a str `Constant` to bandit's own visit_Str and runs `-t B105` (bandit's own
test code decides); the plain run's B105 count is printed too.

Only files Python parses are compared (both tools skip the others). With
--every N, only every Nth of them (sorted by path) is compared, plus the
--also ones: a deterministic subset for time-bounded runs.

Records are compared as multisets per file and rule: security on (rule,
line), naming on (rule, line, name) with the name flake8 prints ('' for N804
and N805). Prints precision and recall per rule on stderr; --json writes
{files, rules{rule: {tp, fp, fn, precision, recall}}, mismatches[{path,
rule, line, name, side}], seconds{...}}. --expected compares against a
reference saved earlier with --write-expected instead of running the tools.
"""
import argparse
import ast
import collections
import json
import os
import re
import subprocess
import sys
import time

PYTHON = "/usr/bin/python3"

SECURITY_RULES = ["B102", "B105", "B106", "B107", "B301", "B302", "B303",
                  "B306", "B307", "B324", "B506", "B602", "B605"]
NAMING_RULES = ["N801", "N802", "N803", "N804", "N805", "N806", "N807",
                "N811", "N812", "N813", "N814", "N815", "N816", "N817"]

B105_SHIM = r"""
import sys
from bandit.core import node_visitor

def visit_Constant(self, node):
    if isinstance(node.value, str):
        return self.visit_Str(node)
    if isinstance(node.value, bytes):
        return self.visit_Bytes(node)
    self.update_scores(self.tester.run_tests(self.context, 'Constant'))

node_visitor.BanditNodeVisitor.visit_Constant = visit_Constant
from bandit.cli import main
sys.argv[0] = 'bandit'
main.main()
"""

FLAKE8_LINE = re.compile(r"^(.*):(\d+):(\d+): (N8\d\d) (.*)$")


def python_files(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            path = os.path.join(dirpath, name)
            if name.endswith(".py") and not os.path.islink(path) and os.path.isfile(path):
                out.append(path)
    return sorted(out, key=lambda p: os.path.relpath(p, root))


def parses(path):
    try:
        with open(path, "rb") as f:
            ast.parse(f.read())
        return True
    except (SyntaxError, ValueError):
        return False


def run_bandit(paths, shim):
    cmd = [PYTHON]
    cmd += ["-c", B105_SHIM, "-t", "B105"] if shim else ["-m", "bandit"]
    cmd += ["-f", "json", "-q"] + paths
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):
        sys.exit("bandit failed (%d): %s" % (proc.returncode, proc.stderr[-2000:]))
    report = json.loads(proc.stdout)
    found = collections.defaultdict(list)
    for r in report["results"]:
        found[r["filename"]].append((r["test_id"], r["line_number"]))
    return found


def flake8_name(code, text):
    quoted = re.findall(r"'([^']*)'", text)
    if code in ("N804", "N805") or not quoted:
        return ""
    return quoted[-1] if code in ("N811", "N812", "N813", "N814", "N817") else quoted[0]


def run_flake8(paths):
    cmd = [PYTHON, "-m", "flake8", "--isolated", "--select=N8"] + paths
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):
        sys.exit("flake8 failed (%d): %s" % (proc.returncode, proc.stderr[-2000:]))
    found = collections.defaultdict(list)
    for line in proc.stdout.splitlines():
        m = FLAKE8_LINE.match(line)
        if not m:
            sys.exit("unexpected flake8 output: " + line)
        path, row, _, code, text = m.groups()
        found[path].append((code, int(row), flake8_name(code, text)))
    return found


def reference(root, paths):
    """{relpath: {"security": [[rule, line]], "naming": [[rule, line, name]]}}"""
    import concurrent.futures
    started = time.monotonic()
    seconds = {}
    results = {}

    def timed(name, run):
        t0 = time.monotonic()
        value = run()
        seconds[name] = time.monotonic() - t0
        return value

    # The three tool runs go side by side.
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        futures = {
            "bandit": pool.submit(timed, "bandit", lambda: run_bandit(paths, False)),
            "bandit_b105": pool.submit(timed, "bandit_b105", lambda: run_bandit(paths, True)),
            "flake8": pool.submit(timed, "flake8", lambda: run_flake8(paths)),
        }
        for name, future in futures.items():
            results[name] = future.result()
    plain, shimmed, naming = results["bandit"], results["bandit_b105"], results["flake8"]
    plain_b105 = sum(1 for v in plain.values() for r in v if r[0] == "B105")
    out = {}
    for path in paths:
        rel = os.path.relpath(path, root)
        security = [[r, l] for r, l in plain.get(path, []) if r in SECURITY_RULES and r != "B105"]
        security += [[r, l] for r, l in shimmed.get(path, []) if r == "B105"]
        out[rel] = {
            "security": sorted(security),
            "naming": sorted([list(x) for x in naming.get(path, []) if x[0] in NAMING_RULES]),
        }
    seconds["reference_total"] = time.monotonic() - started
    return out, seconds, plain_b105


def write_expected(path, ref):
    """The reference, one record a line."""
    lines = ['{"tools": {"bandit": "1.6.2 (B105: visit_Str shim, see compare_checks.py)",',
             ' "flake8": "5.0.4", "pep8-naming": "0.10.0"},', ' "files": {']
    names = sorted(ref)
    for i, name in enumerate(names):
        lines.append("  %s: {" % json.dumps(name))
        for j, kind in enumerate(("naming", "security")):
            records = [json.dumps(r, ensure_ascii=False) for r in ref[name][kind]]
            close = "," if j == 0 else ""
            if not records:
                lines.append('   "%s": []%s' % (kind, close))
                continue
            lines.append('   "%s": [' % kind)
            lines += ["    " + r + ("," if k + 1 < len(records) else "") for k, r in enumerate(records)]
            lines.append("   ]" + close)
        lines.append("  }" + ("," if i + 1 < len(names) else ""))
    lines.append(" }}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def keys(records, kind):
    if kind == "security":
        return collections.Counter((r["rule"], r["line"]) for r in records)
    return collections.Counter((r["rule"], r["line"], "" if r["rule"] in ("N804", "N805")
                                else r["name"]) for r in records)


def ref_keys(records, kind):
    return collections.Counter(tuple(r) for r in records)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root")
    parser.add_argument("--ours", required=True)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--also", action="append", default=[],
                        help="a path below ROOT compared even when --every skips it")
    parser.add_argument("--json")
    parser.add_argument("--expected")
    parser.add_argument("--write-expected")
    args = parser.parse_args()
    root = os.path.abspath(args.root)

    with open(args.ours) as f:
        ours = json.load(f)["files"]
    paths = [p for p in python_files(root) if parses(p)]
    chosen = set(paths[::max(1, args.every)])
    chosen |= {p for p in paths if os.path.relpath(p, root) in args.also}
    paths = [p for p in paths if p in chosen]
    seconds = {}
    plain_b105 = None
    if args.expected:
        with open(args.expected) as f:
            ref = json.load(f)["files"]
        paths = [p for p in paths if os.path.relpath(p, root) in ref]
    else:
        ref, seconds, plain_b105 = reference(root, paths)
    if args.write_expected:
        write_expected(args.write_expected, ref)

    counts = {rule: collections.Counter() for rule in SECURITY_RULES + NAMING_RULES}
    mismatches = []
    missing = []
    for path in paths:
        rel = os.path.relpath(path, root)
        if rel not in ours:
            missing.append(rel)
            continue
        for kind in ("security", "naming"):
            mine = keys(ours[rel].get(kind, []), kind)
            theirs = ref_keys(ref[rel][kind], kind)
            for key in set(mine) | set(theirs):
                rule = key[0]
                if rule not in counts:
                    continue
                tp = min(mine[key], theirs[key])
                counts[rule]["tp"] += tp
                counts[rule]["fp"] += mine[key] - tp
                counts[rule]["fn"] += theirs[key] - tp
                for side, n in (("troupe-only", mine[key] - tp), ("reference-only", theirs[key] - tp)):
                    for _ in range(n):
                        mismatches.append({"path": rel, "rule": rule, "line": key[1],
                                           "name": key[2] if len(key) > 2 else "", "side": side})
    rules = {}
    for rule, c in counts.items():
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        rules[rule] = {"tp": tp, "fp": fp, "fn": fn,
                       "precision": tp / (tp + fp) if tp + fp else 1.0,
                       "recall": tp / (tp + fn) if tp + fn else 1.0}
    mismatches.sort(key=lambda m: (m["path"], m["line"], m["rule"], m["side"]))

    print("%d files compared (every %d), %d missing from ours" % (len(paths) - len(missing),
          args.every, len(missing)), file=sys.stderr)
    print("%-5s %7s %5s %5s %9s %7s" % ("rule", "tp", "fp", "fn", "precision", "recall"), file=sys.stderr)
    for rule in SECURITY_RULES + NAMING_RULES:
        r = rules[rule]
        print("%-5s %7d %5d %5d %9.4f %7.4f" % (rule, r["tp"], r["fp"], r["fn"],
                                                  r["precision"], r["recall"]), file=sys.stderr)
    if plain_b105 is not None:
        print("plain bandit reported %d B105 (its Str visitor is dead on Python 3.8+)" % plain_b105,
              file=sys.stderr)
    for m in mismatches[:50]:
        print("  %(side)s %(path)s:%(line)d %(rule)s %(name)s" % m, file=sys.stderr)
    if len(mismatches) > 50:
        print("  ... %d more" % (len(mismatches) - 50), file=sys.stderr)
    for name, s in seconds.items():
        print("%s: %.1f s" % (name, s), file=sys.stderr)

    result = {"files": len(paths) - len(missing), "missing": missing, "every": args.every,
              "compared": [os.path.relpath(p, root) for p in paths],
              "rules": rules, "mismatches": mismatches, "seconds": seconds,
              "plain_bandit_b105": plain_b105}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    return 0 if not mismatches and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
