#!/usr/bin/env bash
# Installs the built tree into a temporary prefix, checks that the install is
# lean (public headers only, no internal tools, no debug info in the static
# libraries), then builds both examples against the installed troupe package
# (find_package) and runs them.
set -euo pipefail
src=$1
bin=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$bin" --prefix "$prefix" >/dev/null

fail() { echo "install_embed: $*" >&2; exit 1; }
# Public headers only: no internal folder, and no CAF type outside the one
# opt-in interop header.
[ -z "$(find "$prefix/include" -type d -name internal)" ] || fail "internal headers installed"
if grep -rl --include='*.hpp' -e '#include <caf/' "$prefix/include" | grep -v 'troupe/runtime/caf_interop.hpp$'; then
  fail "a public header includes CAF"
fi
# The command only; the benchmark's helpers live in libexec.
[ "$(ls "$prefix/bin")" = "troupe" ] || fail "bin holds more than troupe: $(ls "$prefix/bin" | tr '\n' ' ')"
for lib in "$prefix"/lib/libtroupe_*.a; do
  if readelf -S "$lib" 2>/dev/null | grep -q '\.debug_info'; then
    fail "$(basename "$lib") carries debug info (configure with -DTROUPE_INSTALL_DEBUG_INFO=ON to keep it)"
  fi
done

for example in embed_minimal embed_diamond; do
  cmake -S "$src/examples/$example" -B "$work/$example" -G Ninja \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$work/$example" >/dev/null
  # No header of the source tree may have been used: only the installed ones.
  if grep -rq "$src/\(base\|config\|cache\|actors\|corpus\|runtime\)/" "$work/$example/CMakeFiles" 2>/dev/null \
     || grep -rq -- "-I$src" "$work/$example/build.ninja"; then
    fail "$example compiled against the source tree"
  fi
done
out=$("$work/embed_minimal/embed_minimal" 2000)
echo "$out"
grep -q "total: 2668667000, expected: 2668667000" <<<"$out"
"$work/embed_diamond/embed_diamond"
