#!/usr/bin/python3
"""Compares the functions and classes of a troupe report.json with Python's ast.

    /usr/bin/python3 tests/tools/compare_report.py REPORT.json [ROOT]
        [--show N] [--json]

ROOT defaults to the report's run.root. For every .py file below ROOT that
Python's ast.parse accepts, the (qualname, name, line, end_line) records of
the report must equal those of tests/tools/ast_symbols.py, in (line, column)
order; a file missing from the report is a mismatch too. Files Python rejects
are listed but not compared. Prints per-file differences and a summary;
exits 1 on any mismatch, 2 on a usage error.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ast_symbols  # noqa: E402

KEYS = ("qualname", "name", "line", "end_line")


def key_records(records):
    return [tuple(record.get(key) for key in KEYS) for record in records]


def differences(kind, expected, actual, show):
    """Readable lines for the records that differ, at most `show` of them."""
    expected_set, actual_set = set(expected), set(actual)
    lines = []
    for record in expected:
        if record not in actual_set:
            lines.append(f"  {kind} ast only:    {record}")
    for record in actual:
        if record not in expected_set:
            lines.append(f"  {kind} troupe only: {record}")
    if not lines and expected != actual:
        lines.append(f"  {kind}: same records in a different order")
    if len(lines) > show:
        lines = lines[:show] + [f"  ... {len(lines) - show} more"]
    return lines


def compare(report, root, show=5, out=sys.stdout):
    """Returns the summary dict; prints one block per mismatching file."""
    entries = {entry["path"]: entry for entry in report.get("files", [])}
    summary = {"root": root, "python_files": 0, "files_compared": 0,
               "files_agreeing": 0, "mismatches": 0, "missing_in_report": 0,
               "python_rejects": {}, "report_only": []}
    mismatching = []
    for relpath in ast_symbols.python_files(root):
        summary["python_files"] += 1
        entry = entries.pop(relpath, None)
        try:
            functions, classes, _ = ast_symbols.extract(root, relpath)
        except (SyntaxError, ValueError, UnicodeError, RecursionError,
                MemoryError) as error:
            summary["python_rejects"][relpath] = \
                f"{type(error).__name__}: {error}"
            continue
        summary["files_compared"] += 1
        if entry is None:
            summary["missing_in_report"] += 1
            mismatching.append((relpath, ["  not in the report"]))
            continue
        lines = []
        if entry.get("status", "ok") != "ok":
            lines.append(f"  troupe could not read it: {entry.get('status')}"
                         f" {entry.get('detail', '')}")
        lines += differences("function", key_records(functions),
                             key_records(entry.get("functions", [])), show)
        lines += differences("class", key_records(classes),
                             key_records(entry.get("classes", [])), show)
        if lines:
            mismatching.append((relpath, lines))
        else:
            summary["files_agreeing"] += 1
    summary["report_only"] = sorted(entries)
    summary["mismatches"] = len(mismatching)
    for relpath, lines in mismatching:
        print(f"MISMATCH {relpath}", file=out)
        for line in lines:
            print(line, file=out)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", help="troupe report.json")
    parser.add_argument("root", nargs="?",
                        help="the analysed root (default: the report's)")
    parser.add_argument("--show", type=int, default=5,
                        help="differences shown per file and kind")
    parser.add_argument("--json", action="store_true",
                        help="print the summary as JSON")
    args = parser.parse_args(argv)
    try:
        with open(args.report, encoding="utf-8") as stream:
            report = json.load(stream)
    except (OSError, ValueError) as error:
        print(f"compare_report: cannot read {args.report}: {error}",
              file=sys.stderr)
        return 2
    root = args.root or report.get("run", {}).get("root")
    if not root or not os.path.isdir(root):
        print(f"compare_report: no root directory ({root!r})", file=sys.stderr)
        return 2
    sys.setrecursionlimit(10000)
    summary = compare(report, root, args.show)
    if args.json:
        json.dump(summary, sys.stdout, indent=1)
        print()
    else:
        print(f"python files: {summary['python_files']}, "
              f"rejected by Python (not compared): "
              f"{len(summary['python_rejects'])}")
        for relpath, reason in sorted(summary["python_rejects"].items()):
            print(f"  {relpath}: {reason}")
        if summary["report_only"]:
            print(f"in the report but not .py files below the root: "
                  f"{len(summary['report_only'])}")
        print(f"files compared: {summary['files_compared']}, "
              f"agreeing: {summary['files_agreeing']}, "
              f"mismatches: {summary['mismatches']} "
              f"(missing in report: {summary['missing_in_report']})")
    return 1 if summary["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
