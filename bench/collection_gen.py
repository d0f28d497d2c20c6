#!/usr/bin/env python3
"""Writes a collection of e-learning packages exported by one tool in several versions, as
content teams receive them: each package carries its own copy of the player libraries
(scorm-again, h5p-standalone) in one of two or three versions, plus its own small content.

usage: collection_gen.py OUT NPM_DIR PACKAGES
NPM_DIR holds the `npm pack` tarballs scorm-again-*.tgz and h5p-standalone-*.tgz. Packages
k = 0.. use version k mod (number of versions) of each library. Every third package is
laid out as a bundler would emit it, with content-hashed file names (main.3f9a1c.js), so
that same-name matching cannot pair its files with the other packages' copies."""
import glob
import hashlib
import io
import json
import os
import sys
import tarfile

out, npm_dir, packages = sys.argv[1], sys.argv[2], int(sys.argv[3])


def library_files(pattern, keep):
    """{version: {relative path: bytes}} of the dist files of each tarball matching pattern."""
    versions = {}
    for tgz in sorted(glob.glob(os.path.join(npm_dir, pattern))):
        version = tgz.rsplit("-", 1)[1][:-len(".tgz")]
        files = {}
        with tarfile.open(tgz) as t:
            for m in t.getmembers():
                name = m.name[len("package/"):]
                if m.isfile() and keep(name):
                    files[name] = t.extractfile(m).read()
        versions[version] = files
    return [versions[v] for v in sorted(versions)]


scorm_again = library_files("scorm-again-*.tgz",
                            lambda n: n.startswith("dist/") and n.count("/") == 1 and
                            n.endswith(".js"))
h5p = library_files("h5p-standalone-*.tgz",
                    lambda n: n.startswith("dist/") and (n.endswith(".js") or n.endswith(".css")))
if not scorm_again or not h5p:
    sys.exit(f"collection_gen.py: no scorm-again/h5p-standalone tarballs in {npm_dir}")


def hashed_name(path, data):
    """dist/main.bundle.js -> dist/main.bundle.1a2b3c4d.js (a bundler's content hash)."""
    stem, ext = os.path.splitext(path)
    return f"{stem}.{hashlib.sha1(data).hexdigest()[:8]}{ext}"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


for k in range(packages):
    root = os.path.join(out, f"package-{k + 1:02d}")
    hashed = k % 3 == 2
    for lib_name, versions in (("scorm-again", scorm_again), ("h5p", h5p)):
        for path, data in versions[k % len(versions)].items():
            name = hashed_name(path, data) if hashed else path
            write(os.path.join(root, "lib", lib_name, name), data)
    questions = [{"question": f"Package {k + 1}, question {q}: ບົດທີ {q} ນັບເລກ {q * (k + 3)}",
                  "answers": [f"{q * a + k}" for a in range(4)], "correct": (q + k) % 4}
                 for q in range(40)]
    write(os.path.join(root, "content", "content.json"),
          json.dumps({"title": f"Lesson {k + 1}", "questions": questions}, indent=2,
                     ensure_ascii=False).encode())
    write(os.path.join(root, "index.html"),
          (f"<!DOCTYPE html><html lang=\"lo\"><head><meta charset=\"utf-8\">"
           f"<title>ບົດຮຽນ {k + 1}</title></head><body><div id=\"h5p-container\"></div>"
           f"<script src=\"lib/h5p/dist/main.bundle.js\"></script></body></html>\n").encode())
