// ruff's WebAssembly build (@astral-sh/ruff-wasm-nodejs) checking a tree of
// Python files with its pyflakes rules (F), one file after another on one
// thread: the second peer of the orchestration scenario.
//
//   node ruff_check.js PACKAGE_DIR TREE
//
// PACKAGE_DIR is the unpacked npm package scripts/bench-setup installs.
// Prints `files=N unreadable=N diagnostics=N version=X` and exits 0; exits
// 3 when the package cannot be loaded.
"use strict";
const fs = require("fs");
const path = require("path");

const [packageDir, tree] = process.argv.slice(2);
if (!packageDir || !tree) {
  console.error("usage: node ruff_check.js PACKAGE_DIR TREE");
  process.exit(2);
}
let ruff;
try {
  ruff = require(path.resolve(packageDir, "ruff_wasm.js"));
} catch (e) {
  console.error(`ruff_check.js: cannot load ruff from ${packageDir}: ${e.message}`);
  process.exit(3);
}

const skip = new Set([".git", "__pycache__", "node_modules", ".venv", ".tox"]);
function* pythonFiles(dir) {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    let stat;
    try {
      stat = fs.statSync(p);
    } catch (_) {
      continue;
    }
    if (stat.isDirectory()) {
      if (!skip.has(e.name)) yield* pythonFiles(p);
    } else if (stat.isFile() && e.name.endsWith(".py")) {
      yield p;
    }
  }
}

const workspace = new ruff.Workspace({ lint: { select: ["F"] } }, ruff.PositionEncoding.Utf16);
const decoder = new TextDecoder("utf-8", { fatal: true });
let files = 0;
let unreadable = 0;
let diagnostics = 0;
for (const file of pythonFiles(tree)) {
  let text;
  try {
    text = decoder.decode(fs.readFileSync(file));
  } catch (_) {
    unreadable++; // not UTF-8: pyflakes reads such files by their coding cookie
    continue;
  }
  files++;
  diagnostics += workspace.check(text).length;
}
console.log(`files=${files} unreadable=${unreadable} diagnostics=${diagnostics} ` +
            `version=${ruff.Workspace.version()}`);
