#!/usr/bin/env bash
# One fuzzing run of a libFuzzer harness: BINARY SEEDS WORK. New inputs go to
# WORK/corpus (the committed SEEDS are only read), a crash to WORK/crash-*;
# runs TROUPE_FUZZ_SECONDS (default 30) and prints libFuzzer's summary line
# ("Done N runs in T second(s)"). Fails when the harness found a crash, a
# leak, a timeout or out-of-memory.
set -euo pipefail
binary=$1 seeds=$2 work=$3
seconds=${TROUPE_FUZZ_SECONDS:-30}
mkdir -p "$work/corpus"
rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" "$seeds" 2>"$work/log" || {
  status=$?
  tail -n 60 "$work/log" >&2
  echo "run_harness: $(basename "$binary") failed (exit $status); artifacts in $work" >&2
  exit 1
}
grep -E "^Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb" "$work/log" || true
