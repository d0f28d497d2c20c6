#!/usr/bin/env python3
"""Runs a command and prints 'SECONDS PEAK_RSS_KB' for it (wall time, peak memory of the
command and its children). Shared by the bench scripts: measure.py [--best N] -- CMD ARGS...
With --best N the command runs N times and the shortest time is printed (for latencies)."""
import resource
import subprocess
import sys
import time

args = sys.argv[1:]
runs = 1
if len(args) >= 2 and args[0] == "--best":
    runs = int(args[1])
    args = args[2:]
if args and args[0] == "--":
    args = args[1:]
stdout = subprocess.DEVNULL
if len(args) >= 2 and args[-2] == ">":
    stdout = open(args[-1], "wb")
    args = args[:-2]
best = None
for _ in range(runs):
    start = time.monotonic()
    status = subprocess.call(args, stdout=stdout)
    elapsed = time.monotonic() - start
    if status != 0:
        sys.stderr.write(f"measure.py: {' '.join(args)} exited {status}\n")
        sys.exit(status)
    best = elapsed if best is None else min(best, elapsed)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{best:.3f} {peak}")
