#!/usr/bin/env python3
"""Checks that every reference inside an extracted bundle resolves to a file in it, as a
player would follow them: each item's path and launch file, the scripts and styles launch
pages load, and for H5P packages the libraries of h5p.json and library.json, their
preloadedJs/preloadedCss files and every "path" inside content/content.json.

    check_references.py EXTRACTED_FOLDER MANIFEST.xml
Prints each broken reference and exits 1 when there is any.
"""
import json, os, re, sys
import xml.etree.ElementTree as ET

root, manifest = sys.argv[1], sys.argv[2]
NS = "{urn:panya:bundle:1}"
broken = []


def need(path, why):
    if not os.path.isfile(os.path.join(root, path)):
        broken.append("%s: %s" % (why, path))


def norm(base, ref):
    return os.path.normpath(os.path.join(base, ref))


def check_h5p(folder):
    h5p = json.load(open(os.path.join(root, folder, "h5p.json"), encoding="utf-8"))
    todo = [(d, folder + "/h5p.json") for d in h5p["preloadedDependencies"]]
    seen = set()
    while todo:
        dep, by = todo.pop()
        name = "%s-%s.%s" % (dep["machineName"], dep["majorVersion"], dep["minorVersion"])
        if name in seen:
            continue
        seen.add(name)
        lib_json = os.path.join(folder, name, "library.json")
        need(lib_json, "library of " + by)
        if not os.path.isfile(os.path.join(root, lib_json)):
            continue
        lib = json.load(open(os.path.join(root, lib_json), encoding="utf-8"))
        for key in ("preloadedJs", "preloadedCss"):
            for f in lib.get(key, []):
                need(os.path.join(folder, name, f["path"]), key + " of " + name)
        todo += [(d, lib_json) for d in lib.get("preloadedDependencies", [])]

    def paths(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "path" and isinstance(v, str) and not re.match(r"^[a-z]+:", v):
                    yield v
                else:
                    yield from paths(v)
        elif isinstance(value, list):
            for v in value:
                yield from paths(v)

    content = json.load(open(os.path.join(root, folder, "content", "content.json"), encoding="utf-8"))
    for p in paths(content):
        need(os.path.join(folder, "content", p), "content.json of " + folder)


def check_page(page):
    html = open(os.path.join(root, page), encoding="utf-8").read()
    base = os.path.dirname(page)
    refs = re.findall(r'(?:src|href)="([^"#?]+)"', html)
    refs += re.findall(r"(?:frameJs|frameCss): '([^']+)'", html)
    for ref in refs:
        if not re.match(r"^[a-z]+:", ref):
            need(norm(base, ref), "referenced by " + page)


items = ET.parse(manifest).getroot().iter(NS + "item")
count = 0
for item in items:
    count += 1
    path, launch = item.get("path"), item.get("launch")
    if launch:
        need(launch, "launch file of " + item.get("id"))
        if os.path.isfile(os.path.join(root, launch)) and launch.endswith(".html"):
            check_page(launch)
    elif not os.path.exists(os.path.join(root, path)):
        broken.append("item %s: %s" % (item.get("id"), path))
    elif path.endswith(".html"):
        check_page(path)
    if item.get("kind") == "h5p":
        check_h5p(path)
for b in broken:
    print("broken reference: " + b)
print("%d items checked" % count)
sys.exit(1 if broken or not count else 0)
