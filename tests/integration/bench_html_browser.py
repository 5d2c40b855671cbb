#!/usr/bin/python3
"""Renders bench.html in headless Chromium and checks its charts through the DOM.

Usage: bench_html_browser.py TROUPE_BINARY

Runs `troupe bench` on two fast in-process scenarios (ping_pong, fork_join;
3 samples, so their intervals are marked as resting on fewer than 5), saving
a baseline, then once more against that baseline. Each bench.html is copied
with a checking script appended (the page itself has none) and loaded in
Debian's headless Chromium (--dump-dom); the script's verdict is read from
the DOM:
- the claims table has one row per claim with a known status, the cluster
  rows not measurable (they need `troupe run --join`);
- the speedup chart has one bar per scenario, each bar's end inside its
  interval whisker, the scenario's speedup in data-speedup matching the bar,
  and the n<5 mark;
- the samples charts show every sample of every variant as a dot;
- the second page has the baseline comparison;
- nothing is wider than the page at 1024 px, no number has an exponent.
Exits 77 (reported as skipped by ctest) when Chromium is not installed.
"""
import json
import os
import subprocess
import sys
import tempfile

import chromium_dom

SCENARIOS = ["ping_pong", "fork_join"]
SAMPLES = 3

CHECK_SCRIPT = r"""
<script>
(function () {
  var out = {};
  var width = document.documentElement.clientWidth;
  out.page_width = width;
  out.too_wide = [];
  document.querySelectorAll('table, figure, svg').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.right > width + 1)
      out.too_wide.push(el.tagName + ' ' + Math.round(r.right) + '>' + width);
  });
  out.claims = Array.prototype.map.call(
    document.querySelectorAll('#claims table.claims tr[data-status]'), function (tr) {
      return {claim: tr.cells[0].textContent, status: tr.getAttribute('data-status'),
              interval: tr.cells[3].textContent, verdict: tr.cells[4].textContent};
    });
  out.bars = Array.prototype.map.call(
    document.querySelectorAll('#speedup-chart svg g.bar'), function (g) {
      var rect = g.querySelector('rect.speedup');
      var whisker = g.querySelector('line.whisker');
      var rb = rect.getBoundingClientRect();
      var wb = whisker.getBoundingClientRect();
      var label = g.querySelectorAll('text');
      return {scenario: g.getAttribute('data-scenario'),
              speedup: parseFloat(g.getAttribute('data-speedup')),
              lo: parseFloat(g.getAttribute('data-lo')),
              hi: parseFloat(g.getAttribute('data-hi')),
              few: g.getAttribute('data-few'),
              bar_width: rb.width, bar_end: rb.right,
              whisker_left: wb.left, whisker_right: wb.right,
              whisker_ends: g.querySelectorAll('line.whisker-end').length,
              value_text: label[label.length - 1].textContent};
    });
  out.samples = Array.prototype.map.call(
    document.querySelectorAll('#samples figure.samples'), function (f) {
      return {scenario: f.getAttribute('data-scenario'),
              variants: Array.prototype.map.call(f.querySelectorAll('g.variant'), function (g) {
                return {name: g.getAttribute('data-variant'),
                        declared: parseInt(g.getAttribute('data-samples'), 10),
                        dots: g.querySelectorAll('circle.sample').length,
                        visible: Array.prototype.filter.call(
                          g.querySelectorAll('circle.sample'), function (c) {
                            var b = c.getBoundingClientRect();
                            return b.width > 0 && b.height > 0;
                          }).length};
              })};
    });
  out.baseline_rows = document.querySelectorAll('#baseline table.baseline tr').length - 1;
  out.exponent = /\d[eE][+-]\d/.test(document.body.innerText);
  var pre = document.createElement('pre');
  pre.id = 'verdict';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def check(name, v, failures, with_baseline):
    def fail(what):
        failures.append(f"{name}: {what}")

    statuses = {"confirmed", "met_by_median", "not_reached", "not_measurable"}
    if len(v["claims"]) < 15:
        fail(f"only {len(v['claims'])} claim rows")
    for c in v["claims"]:
        if c["status"] not in statuses:
            fail(f"claim {c['claim']!r} has status {c['status']!r}")
    cluster = [c for c in v["claims"] if c["claim"].startswith("a run on 3 nodes")]
    if not cluster or cluster[0]["status"] != "not_measurable" \
            or "--scenario cluster" not in cluster[0]["verdict"]:
        fail(f"the cluster claim (not run here) does not say how to run it: {cluster}")
    bars = {b["scenario"]: b for b in v["bars"]}
    if sorted(bars) != sorted(SCENARIOS):
        fail(f"bars for {sorted(bars)}, expected {sorted(SCENARIOS)}")
    for s, b in bars.items():
        if not b["bar_width"] > 0:
            fail(f"{s}: bar has no width")
        if not (b["lo"] <= b["speedup"] <= b["hi"]):
            fail(f"{s}: speedup {b['speedup']} outside its interval {b['lo']}-{b['hi']}")
        if not (b["whisker_left"] - 1.5 <= b["bar_end"] <= b["whisker_right"] + 1.5):
            fail(f"{s}: bar ends at {b['bar_end']}, outside its whisker "
                 f"{b['whisker_left']}-{b['whisker_right']}")
        if b["whisker_ends"] != 2:
            fail(f"{s}: {b['whisker_ends']} whisker ends")
        if b["few"] != "1" or "(n<5)" not in b["value_text"]:
            fail(f"{s}: an interval from {SAMPLES} samples is not marked: {b}")
        if not b["value_text"].startswith(f"{b['speedup']:.2f}x"):
            fail(f"{s}: label {b['value_text']!r} is not the speedup {b['speedup']:.2f}x")
    figures = {f["scenario"]: f for f in v["samples"]}
    for s in SCENARIOS:
        if s not in figures:
            fail(f"no samples chart for {s}")
            continue
        variants = figures[s]["variants"]
        if len(variants) != 2:
            fail(f"{s}: {len(variants)} variants in the samples chart")
        for var in variants:
            if var["declared"] != SAMPLES or var["dots"] != SAMPLES or var["visible"] != SAMPLES:
                fail(f"{s}/{var['name']}: {var} (expected {SAMPLES} visible dots)")
    if with_baseline and v["baseline_rows"] < 2 * len(SCENARIOS):
        fail(f"baseline table has {v['baseline_rows']} rows")
    if not with_baseline and v["baseline_rows"] > 0:
        fail("a baseline table without --baseline")
    if v["too_wide"]:
        fail(f"wider than the page ({v['page_width']} px): {v['too_wide'][:5]}")
    if v["exponent"]:
        fail("a number printed with an exponent")


def bench(troupe, out, extra):
    args = [troupe, "bench", "--samples", str(SAMPLES), "--out", out]
    for s in SCENARIOS:
        args += ["--scenario", s]
    run = subprocess.run(args + extra, capture_output=True, text=True, timeout=240)
    return run


def main():
    troupe = sys.argv[1]
    chromium_dom.require_chromium()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        baseline = os.path.join(tmp, "baseline.json")
        first = bench(troupe, os.path.join(tmp, "a"), ["--save-baseline", baseline])
        if first.returncode != 0:
            print("troupe bench failed:", first.returncode, first.stderr[-3000:])
            sys.exit(1)
        second = bench(troupe, os.path.join(tmp, "b"), ["--baseline", baseline])
        # 5: a regression against the baseline (possible on a busy machine);
        # the page shows it either way.
        if second.returncode not in (0, 5):
            print("troupe bench --baseline failed:", second.returncode, second.stderr[-3000:])
            sys.exit(1)
        for name, out, with_baseline in (("first run", "a", False),
                                         ("against the baseline", "b", True)):
            verdict = chromium_dom.render(os.path.join(tmp, out, "bench.html"), tmp, CHECK_SCRIPT)
            print(name, json.dumps(verdict)[:800])
            check(name, verdict, failures, with_baseline)
    for f in failures:
        print("FAILED:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
