#!/usr/bin/python3
"""Compares troupe_metrics_dump output with tests/tools/ast_metrics.py.

    /usr/bin/python3 tests/tools/compare_metrics.py REFERENCE.json TROUPE.json
        [--agents LIST] [--show N]

For every file the reference parsed, each agent's record must be equal; a
file missing from troupe's output is a mismatch. Prints the first N
differing files per agent and a summary line per agent; exits 1 on any
mismatch.
"""

import argparse
import json
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference")
    parser.add_argument("troupe")
    parser.add_argument("--agents", default="")
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args(argv)
    with open(args.reference) as stream:
        reference = json.load(stream)["files"]
    with open(args.troupe) as stream:
        ours = json.load(stream)["files"]
    agents = [a for a in args.agents.split(",") if a] or sorted(
        {agent for record in reference.values() for agent in record})
    failed = False
    for agent in agents:
        bad = []
        for path, record in reference.items():
            if agent not in record:
                continue
            mine = ours.get(path, {}).get(agent)
            if mine != record[agent]:
                bad.append((path, record[agent], mine))
        for path, want, got in bad[:args.show]:
            print(f"{agent} {path}")
            if isinstance(want, list) and isinstance(got, list):
                print("  reference only:", [r for r in want if r not in got][:4])
                print("  troupe only:   ", [r for r in got if r not in want][:4])
            else:
                print("  reference:", json.dumps(want)[:400])
                print("  troupe:   ", json.dumps(got)[:400])
        print(f"{agent}: {len(reference) - len(bad)}/{len(reference)} files "
              f"agree")
        failed = failed or bool(bad)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
