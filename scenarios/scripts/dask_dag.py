#!/usr/bin/python3
"""The 23-agent DAG of troupe_dag_bench on Dask's threaded scheduler.

Usage: dask_dag.py --dag DAG.json [--scale 0.1] [--workers 2] [--reps 3] [--warmups 1]

DAG.json is written by `troupe_dag_bench --make-dag`: one task per agent,
its edges and its cost in seconds. Every task is CPU work of cost x scale
seconds: SHA-256 over a 1 MiB buffer, repeated as often as a calibration
on this thread says that takes (hashlib releases the GIL for large
buffers, so two tasks can run on two cores, as the C++ engines' tasks do).
Each repetition hands the whole graph to dask.threaded.get with
num_workers threads and waits for every task; prints one line per timed
repetition and sample_s=X (the median), which `troupe bench` reads.
Exits 3 when Dask is not installed (Debian: python3-dask).
"""
import argparse
import hashlib
import json
import statistics
import sys
import time

try:
    import dask.threaded
except ImportError:
    print("dask_dag.py: Dask is not installed (Debian package python3-dask)", file=sys.stderr)
    sys.exit(3)

CHUNK = bytes(1 << 20)


def calibrate():
    """Seconds one SHA-256 of CHUNK takes on this thread (median of 15)."""
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        hashlib.sha256(CHUNK).digest()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def work(seconds, per_chunk):
    """CPU work of about `seconds`: whole chunks, then a partial one."""
    whole, rest = divmod(seconds / per_chunk, 1.0)
    for _ in range(int(whole)):
        hashlib.sha256(CHUNK).digest()
    tail = int(rest * len(CHUNK))
    if tail:
        hashlib.sha256(memoryview(CHUNK)[:tail]).digest()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dag", required=True)
    p.add_argument("--scale", type=float, default=0.1)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--warmups", type=int, default=1)
    a = p.parse_args()
    with open(a.dag, encoding="utf-8") as f:
        tasks = json.load(f)["tasks"]
    per_chunk = calibrate()

    def task(cost):
        def run(*_upstream):
            work(cost, per_chunk)
            return None
        return run

    graph = {t["id"]: (task(t["cost_s"] * a.scale), *t["depends_on"]) for t in tasks}
    keys = [t["id"] for t in tasks]
    runs = []
    for r in range(a.warmups + a.reps):
        t0 = time.perf_counter()
        dask.threaded.get(graph, keys, num_workers=a.workers)
        s = time.perf_counter() - t0
        if r >= a.warmups:
            runs.append(s)
            print(f"dask tasks={len(tasks)} run_s={s:.6f}")
    print(f"sha256_mib_s={per_chunk:.6f}")
    print(f"sample_s={statistics.median(runs):.9f}")


if __name__ == "__main__":
    main()
