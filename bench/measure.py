#!/usr/bin/env python3
"""Runs a command and prints 'SECONDS PEAK_RSS_KB' for it (wall time, peak memory of the
command and its children). Shared by the bench scripts: measure.py -- CMD ARGS..."""
import os
import resource
import subprocess
import sys
import time

args = sys.argv[1:]
if args and args[0] == "--":
    args = args[1:]
stdout = subprocess.DEVNULL
if len(args) >= 2 and args[-2] == ">":
    stdout = open(args[-1], "wb")
    args = args[:-2]
start = time.monotonic()
status = subprocess.call(args, stdout=stdout)
elapsed = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if status != 0:
    sys.stderr.write(f"measure.py: {' '.join(args)} exited {status}\n")
    sys.exit(status)
print(f"{elapsed:.3f} {peak}")
