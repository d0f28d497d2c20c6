#!/usr/bin/env python3
"""Checks that every #include "ROOM/..." in a room is allowed by docs/ROOMS.md's table.

Usage: check_rooms.py SOURCE_ROOT. Prints each forbidden arrow (file:line: A -> B) and exits 1
when there is one. The table is read from docs/ROOMS.md, so the document and the code cannot
drift apart silently."""
import os
import re
import sys

root = sys.argv[1]
table = {}
with open(os.path.join(root, "docs", "ROOMS.md"), encoding="utf-8") as f:
    for line in f:
        m = re.match(r"\|\s*`([a-z_]+)/`\s*\|[^|]*\|\s*([^|]*)\|", line)
        if m:
            table[m.group(1)] = set(re.findall(r"`([a-z_]+)/`", m.group(2)))
if not table:
    sys.exit("check_rooms: no room table found in docs/ROOMS.md")

bad = 0
for room, allowed in sorted(table.items()):
    folder = os.path.join(root, room)
    if not os.path.isdir(folder):
        continue
    for dirpath, _, names in os.walk(folder):
        for name in sorted(names):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as src:
                for number, line in enumerate(src, 1):
                    m = re.match(r'\s*#\s*include\s+"([a-z_]+)/', line)
                    if not m:
                        continue
                    target = m.group(1)
                    if target != room and target in table and target not in allowed:
                        print(f"{os.path.relpath(path, root)}:{number}: {room}/ may not use {target}/")
                        bad += 1
print(f"{len(table)} rooms checked, {bad} forbidden include(s)")
sys.exit(1 if bad else 0)
