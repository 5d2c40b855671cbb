#!/usr/bin/python3
"""Renders report.html in headless Chromium and checks it through the DOM.

Usage: report_html_browser.py TROUPE_BINARY SOURCE_DIR

Runs troupe on the workflow fixtures (findings of every severity) and the
corpus fixture project, copies each report.html with a checking script
appended (the report itself has none), loads the copy in Debian's headless
Chromium (--dump-dom) and reads the script's verdict from the DOM:
- the sections come in order: the summary first, then worst modules and
  findings, the agents last;
- the charts are SVG figures with bars (findings by severity and by code,
  scores, hotspots);
- no table, figure or chart is wider than the page at 1024 px;
- numbers are for people: no `e+` exponent and no raw byte counts.
Exits 77 (reported as skipped by ctest) when Chromium is not installed.
"""
import json
import os
import subprocess
import sys
import tempfile

import chromium_dom

CHECK_SCRIPT = r"""
<script>
(function () {
  var out = {};
  var ids = Array.prototype.map.call(document.querySelectorAll('section[id]'),
                                     function (s) { return s.id; });
  out.sections = ids;
  out.h2 = Array.prototype.map.call(document.querySelectorAll('h2'),
                                    function (h) { return h.textContent; });
  var width = document.documentElement.clientWidth;
  out.page_width = width;
  out.too_wide = [];
  document.querySelectorAll('table, figure, svg').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.right > width + 1 || el.scrollWidth > el.clientWidth + 1 && el.tagName == 'TABLE')
      out.too_wide.push(el.tagName + ' ' + Math.round(r.right) + '>' + width + ' ' +
                        (el.textContent || '').slice(0, 60));
  });
  out.charts = Array.prototype.map.call(document.querySelectorAll('figure'), function (f) {
    var cap = f.querySelector('figcaption');
    return {caption: cap ? cap.textContent : '',
            bars: f.querySelectorAll('svg rect').length};
  });
  out.exponent = /\d[eE][+-]\d/.test(document.body.innerText);
  out.score = (document.querySelector('#summary .score') || {}).textContent || null;
  out.finding_rows = document.querySelectorAll('#findings table.findings tr').length - 1;
  out.first_severity = (document.querySelector('#findings table.findings td') || {}).textContent
                       || null;
  out.links = Array.prototype.map.call(document.querySelectorAll('#findings a'),
                                       function (a) { return a.getAttribute('href'); }).slice(0, 3);
  var pre = document.createElement('pre');
  pre.id = 'verdict';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def check(name, v, failures, expect_findings):
    def fail(what):
        failures.append(f"{name}: {what}")

    order = v["sections"]
    if order[:1] != ["summary"]:
        fail(f"the summary is not first: {order}")
    for later in ("worst-modules", "findings", "run", "agents"):
        if later not in order:
            fail(f"section {later} missing: {order}")
    if "findings" in order and "agents" in order and order.index("findings") > order.index("agents"):
        fail("findings after the agents")
    if v["too_wide"]:
        fail(f"wider than the page ({v['page_width']} px): {v['too_wide'][:5]}")
    if v["exponent"]:
        fail("a number printed with an exponent")
    captions = {c["caption"]: c["bars"] for c in v["charts"]}
    for caption in ("Findings by severity", "Modules by quality score"):
        if not any(k.startswith(caption) for k in captions):
            fail(f"chart {caption!r} missing: {list(captions)}")
    if captions.get("Findings by severity", 0) != 4:
        fail(f"findings by severity should have 4 bars: {captions}")
    if not v["score"]:
        fail("no score in the summary")
    if expect_findings:
        if v["finding_rows"] <= 0:
            fail("no finding rows")
        if v["first_severity"] != "high":
            fail(f"the worst finding is not first: {v['first_severity']}")
        if not v["links"] or not v["links"][0].startswith("file:///"):
            fail(f"findings do not link to their files: {v['links']}")


def main():
    troupe, source = sys.argv[1:3]
    chromium_dom.require_chromium()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("workflow", os.path.join(source, "tests/fixtures/workflow"), True),
                 ("corpus project", os.path.join(source, "tests/fixtures/corpus/proj"), False)]
        for name, tree, expect_findings in cases:
            out = os.path.join(tmp, name.replace(" ", "_"))
            run = subprocess.run([troupe, "run", tree, "--no-cache", "--quiet", "--out", out],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print(run.stderr)
                sys.exit(1)
            verdict = chromium_dom.render(os.path.join(out, "report.html"), tmp, CHECK_SCRIPT)
            print(name, json.dumps(verdict)[:600])
            check(name, verdict, failures, expect_findings)
    for f in failures:
        print("FAILED:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
