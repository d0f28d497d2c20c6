#!/usr/bin/env python3
"""Checks the built reader library: it exports exactly the functions panya.h declares with
PANYA_API (nothing of the code it is built from), under a versioned soname, and needs no
shared library but libzstd and libc.

Usage: check_library.py LIBPANYA.so PANYA.H"""
import re
import subprocess
import sys

library, header = sys.argv[1], sys.argv[2]
declared = set(re.findall(r"PANYA_API\s[^;]*?\b(panya_\w+)\s*\(", open(header, encoding="utf-8").read()))
symbols = subprocess.run(["nm", "-D", "--defined-only", library], capture_output=True, text=True,
                         check=True).stdout
exported = {line.split()[-1].split("@")[0] for line in symbols.splitlines()
            if line.split()[1] in ("T", "W")}
dynamic = subprocess.run(["readelf", "-d", library], capture_output=True, text=True,
                         check=True).stdout
needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic))
soname = re.findall(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", dynamic)

problems = []
if exported != declared:
    problems.append(f"exported but not declared: {sorted(exported - declared)}; "
                    f"declared but not exported: {sorted(declared - exported)}")
# Sanitizer builds (-Db_sanitize=...) add their runtimes and what those pull in.
if any(re.match(r"lib(asan|ubsan|tsan)\.so", n) for n in needed):
    needed = {n for n in needed
              if not re.match(r"lib(asan|ubsan|tsan|stdc\+\+|gcc_s|m|dl|rt)\.so", n)}
allowed = {"libzstd.so.1", "libc.so.6"}
if needed - allowed:
    problems.append(f"needs {sorted(needed)}; only libzstd and libc are allowed")
if soname != ["libpanya.so.1"]:
    problems.append(f"soname {soname}, wanted libpanya.so.1")
for p in problems:
    print(p)
print(f"{len(exported)} functions exported, needs {sorted(needed)}, soname {soname}")
sys.exit(1 if problems else 0)
