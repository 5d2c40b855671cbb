#!/usr/bin/python3
"""`troupe bench --save-baseline / --baseline` end to end, with exit codes.

Usage: bench_baseline_cli.py TROUPE_BINARY

- a run of ping_pong (5 samples) saves its bench.json as a baseline;
- the same run against a copy of that baseline whose candidate was made 3x
  faster (every sample divided by 3) must exit 5 and name the regressed
  figures, and bench.md must show the comparison;
- a baseline that is not JSON, or has no scenarios, is refused with exit 2
  naming the file; --threshold outside (0, 100) exits 2.
"""
import json
import os
import subprocess
import sys
import tempfile


def bench(troupe, out, extra):
    return subprocess.run([troupe, "bench", "--scenario", "ping_pong", "--samples", "5",
                           "--out", out] + extra, capture_output=True, text=True, timeout=240)


def main():
    troupe = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        saved = os.path.join(tmp, "baseline.json")
        first = bench(troupe, os.path.join(tmp, "a"), ["--save-baseline", saved])
        if first.returncode != 0 or not os.path.exists(saved):
            print("first run failed:", first.returncode, first.stderr[-2000:])
            sys.exit(1)
        with open(saved, encoding="utf-8") as f:
            j = json.load(f)
        scenario = j["scenarios"][0]
        candidate = scenario["speedup"]["candidate_variant"]
        for v in scenario["variants"]:
            if v["name"] == candidate:
                v["samples_s"] = [x / 3 for x in v["samples_s"]]
                v["median_s"] /= 3
        faster = os.path.join(tmp, "faster.json")
        with open(faster, "w", encoding="utf-8") as f:
            json.dump(j, f)
        second = bench(troupe, os.path.join(tmp, "b"), ["--baseline", faster])
        if second.returncode != 5:
            failures.append(f"against a 3x faster baseline: exit {second.returncode}, not 5")
        if f"ping_pong (time of {candidate})" not in second.stderr:
            failures.append(f"the regression is not named: {second.stderr[-500:]}")
        with open(os.path.join(tmp, "b", "bench.md"), encoding="utf-8") as f:
            md = f.read()
        if "## Against the baseline " + faster not in md or "**REGRESSION**" not in md:
            failures.append("bench.md has no comparison marking the regression")

        bad = os.path.join(tmp, "bad.json")
        for text, expect in (("{\"scenarios\": [", "is not JSON"),
                             ("{\"results\": []}", "has no \"scenarios\" array")):
            with open(bad, "w", encoding="utf-8") as f:
                f.write(text)
            run = bench(troupe, os.path.join(tmp, "c"), ["--baseline", bad])
            if run.returncode != 2 or expect not in run.stderr or bad not in run.stderr:
                failures.append(f"baseline {text!r}: exit {run.returncode}, {run.stderr[-300:]}")
        run = bench(troupe, os.path.join(tmp, "d"), ["--threshold", "0"])
        if run.returncode != 2 or "--threshold" not in run.stderr:
            failures.append(f"--threshold 0: exit {run.returncode}, {run.stderr[-300:]}")
    for f in failures:
        print("FAILED:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
