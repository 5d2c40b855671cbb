"""Loads a self-contained HTML page in Debian's headless Chromium with a
checking script appended and returns the verdict the script left in the DOM
(a <pre id="verdict"> holding JSON). Shared by the browser tests of
report.html and bench.html."""
import json
import os
import subprocess
import sys
import tempfile

CHROMIUM = "/usr/bin/chromium"


def require_chromium():
    """Exits 77 (reported as skipped by ctest) when Chromium is missing."""
    if not os.access(CHROMIUM, os.X_OK):
        print("chromium is not installed (Debian package chromium): skipped")
        sys.exit(77)


def render(html_path, tmp, check_script):
    """The verdict of `check_script` (a <script> element that appends
    <pre id="verdict">JSON</pre> to the body) run on a copy of the page at
    1024 px; exits 1 when the page cannot carry it or gives no verdict."""
    page = os.path.join(tmp, "page.html")
    with open(html_path, encoding="utf-8") as f:
        text = f.read()
    if "</body></html>" not in text:
        print(f"{html_path} does not end with </body></html>")
        sys.exit(1)
    with open(page, "w", encoding="utf-8") as f:
        f.write(text.replace("</body></html>", check_script + "</body></html>"))
    profile = tempfile.mkdtemp(dir=tmp)
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--user-data-dir=" + profile, "--window-size=1024,800",
         "--dump-dom", "file://" + page],
        capture_output=True, text=True, timeout=120)
    dom = proc.stdout
    start = dom.find('<pre id="verdict">')
    if start < 0:
        print("no verdict in the DOM; chromium said:", proc.stderr[-2000:])
        sys.exit(1)
    end = dom.find("</pre>", start)
    raw = dom[start + len('<pre id="verdict">'):end]
    raw = raw.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return json.loads(raw)
