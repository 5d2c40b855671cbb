#!/usr/bin/env bash
# Installs the built tree into a temporary prefix, builds examples/embed_minimal
# against the installed troupe package (find_package), and runs it.
set -euo pipefail
src=$1
bin=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$bin" --prefix "$work/prefix" >/dev/null
cmake -S "$src/examples/embed_minimal" -B "$work/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
# No header of the source tree may have been used: only the installed ones.
if grep -q "$src/\(config\|cache\|actors\|runtime\)/" "$work/build/CMakeFiles/embed_minimal.dir/main.cpp.o.d" 2>/dev/null \
   || grep -rq -- "-I$src" "$work/build/build.ninja"; then
  echo "install_embed: the example compiled against the source tree" >&2
  exit 1
fi
out=$("$work/build/embed_minimal" 2000)
echo "$out"
grep -q "total: 2668667000, expected: 2668667000" <<<"$out"
