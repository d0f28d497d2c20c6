#!/bin/bash
# Reference frames (format 1.1, method 2) on a collection of SCORM packages that carry the
# same player library in three versions, one of them under content-hashed file names: the
# bundle is smaller than without references, extracts byte for byte, verifies, cats; damage
# to a reference object fails exactly the files stored against it; split parts and patches
# carry reference frames.
. "$(dirname "$0")/lib.sh"

# make_collection DIR VERSIONS...: one SCORM 1.2 package per version, each with a 3-file
# library (450 kB a file: more than a content dictionary holds) in that version.
make_collection() {
    python3 - "$@" <<'PY'
import hashlib, os, random, sys
root, versions = sys.argv[1], [int(v) for v in sys.argv[2:]]
for n, version in enumerate(versions):
    package = os.path.join(root, f"player-{n + 1}")
    os.makedirs(os.path.join(package, "lib"))
    names = []
    for file in range(3):
        rng = random.Random(file)
        lines = []
        for fn in range(6000):
            a, b, c = rng.randrange(10**6), rng.randrange(10**6), rng.randrange(97)
            if rng.randrange(50) == 0 and version:
                b += version  # a point release: a few constants change here and there
            lines.append(f"function m{file}_{fn}(s,v){{return s.k{c}?v*{a}+{b}:h{c}(s,v-{a});}}\n")
        data = "".join(lines).encode()
        name = f"module{file}.js"
        if n == len(versions) - 1 and len(versions) > 2:  # a bundler's content-hashed names
            name = f"module{file}.{hashlib.sha1(data).hexdigest()[:8]}.js"
        names.append(name)
        with open(os.path.join(package, "lib", name), "wb") as f:
            f.write(data)
    scripts = "".join(f'<script src="lib/{name}"></script>' for name in names)
    with open(os.path.join(package, "index.html"), "w") as f:
        f.write(f"<!DOCTYPE html><html><head>{scripts}</head><body>Player {n + 1}</body></html>\n")
    files = "".join(f'<file href="lib/{name}"/>' for name in names)
    with open(os.path.join(package, "imsmanifest.xml"), "w") as f:
        f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="player-{n + 1}" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
<organizations default="org"><organization identifier="org"><title>Player {n + 1}</title>
<item identifier="i1" identifierref="r1"><title>Lesson {n + 1}</title></item>
</organization></organizations>
<resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
<file href="index.html"/>{files}</resource></resources>
</manifest>
""")
PY
}

# index_json BUNDLE: the index entries as JSON [{sha256, offset, stored_size, method, reference}].
index_json() {
    python3 - "$1" <<'PY'
import json, struct, sys
data = open(sys.argv[1], "rb").read()
footer = data[-320:]
offset, count = struct.unpack_from("<QQ", footer, 16)
entries = []
for i in range(count):
    e = data[offset + 64 * i: offset + 64 * (i + 1)]
    entries.append({"sha256": e[:32].hex(), "offset": struct.unpack_from("<Q", e, 32)[0],
                    "stored_size": struct.unpack_from("<Q", e, 40)[0], "method": e[56],
                    "reference": struct.unpack_from("<I", e, 60)[0]})
print(json.dumps(entries))
PY
}

src=$WORK/collection
make_collection "$src" 0 1 2
pack() { "$PANYA" pack "$@" --profile source --level 6 -q; }
expect_exit 0 pack "$src" -o "$WORK/refs.panya"
expect_exit 0 pack "$src" -o "$WORK/norefs.panya" --no-references
expect_exit 0 "$PANYA" pack "$src" -o "$WORK/summary.panya" --profile source --level 6
grep -Eq '[1-9][0-9]* near-duplicates stored against a similar one' "$WORK/out" ||
    fail "the pack summary does not count the reference frames: $(cat "$WORK/out")"
refs=$(stat -c %s "$WORK/refs.panya")
norefs=$(stat -c %s "$WORK/norefs.panya")
# The content dictionary (1 MiB) holds two of the files' first versions, so their later
# versions cost little either way; the third file's later versions cost 100 kB each alone
# and well under 1 kB against their first version.
[ "$refs" -lt $((norefs * 3 / 4)) ] || fail "references do not shrink the bundle: $refs vs $norefs bytes"

"$PANYA" inspect --json "$WORK/refs.panya" >"$WORK/refs.json"
"$PANYA" inspect --json "$WORK/norefs.panya" >"$WORK/norefs.json"
[ "$(json_field "$WORK/norefs.json" 'sum(f["compression"] == "zstd+reference" for f in d["files"])')" = 0 ] ||
    fail "--no-references wrote reference frames"
[ "$(json_field "$WORK/refs.json" 'sum(f["compression"] == "zstd+reference" for f in d["files"])')" -ge 4 ] ||
    fail "too few reference frames: $(json_field "$WORK/refs.json" '[f["compression"] for f in d["files"]]')"
# The content-hashed copy that the dictionary does not cover is found by its content.
[ "$(json_field "$WORK/refs.json" 'sum(f["compression"] == "zstd+reference" for f in d["files"] if f["path"].startswith("player-3/lib/"))')" -ge 1 ] ||
    fail "renamed copies were not stored against their earlier versions"
expect_exit 0 "$PANYA" inspect "$WORK/refs.panya"
expect_in "$WORK/out" "format 1.1"

# Round trip, verify, cat.
expect_exit 0 "$PANYA" verify "$WORK/refs.panya"
expect_exit 0 "$PANYA" extract "$WORK/refs.panya" "$WORK/x"
diff -r "$src" "$WORK/x" >/dev/null || fail "extract differs from the collection"
referencing=$(json_field "$WORK/refs.json" '[f["path"] for f in d["files"] if f["compression"] == "zstd+reference"][0]')
"$PANYA" cat "$WORK/refs.panya" "$referencing" | cmp -s - "$src/$referencing" ||
    fail "cat of a file stored against a reference: $referencing"

# Damage one reference object: exactly it and the files stored against it fail.
index_json "$WORK/refs.panya" >"$WORK/index.json"
python3 - "$WORK/index.json" "$WORK/refs.json" "$WORK/target" "$WORK/undamaged" \
    >"$WORK/expected" <<'PY'
import json, sys
index = json.load(open(sys.argv[1]))
files = json.load(open(sys.argv[2]))["files"]
# The reference with the most dependents.
refs = [e["reference"] for e in index if e["method"] == 2]
ref = max(set(refs), key=refs.count)
target = index[ref - 1]
assert target["method"] in (0, 1), target
hashes = {target["sha256"]} | {e["sha256"] for e in index if e["reference"] == ref}
for path in sorted(f["path"] for f in files if f["sha256"] in hashes):
    print(path)
open(sys.argv[3], "w").write(str(target["offset"] + target["stored_size"] // 2))
open(sys.argv[4], "w").write(next(f["path"] for f in files if f["sha256"] not in hashes))
PY
[ "$(wc -l <"$WORK/expected")" -ge 2 ] || fail "the reference has no dependents: $(cat "$WORK/expected")"
cp "$WORK/refs.panya" "$WORK/damaged.panya"
flip_byte "$WORK/damaged.panya" "$(cat "$WORK/target")"
expect_exit 1 "$PANYA" verify "$WORK/damaged.panya"
sed -n 's/^  damaged: //p' "$WORK/out" | sort >"$WORK/reported"
cmp -s "$WORK/expected" "$WORK/reported" ||
    fail "verify should name exactly the reference and its dependents: $(cat "$WORK/reported") vs $(cat "$WORK/expected")"
expect_exit 1 "$PANYA" extract "$WORK/damaged.panya" "$WORK/partial"
while read -r path; do
    [ -e "$WORK/partial/$path" ] && fail "a damaged file was written: $path"
done <"$WORK/expected"
undamaged=$(cat "$WORK/undamaged")
cmp -s "$WORK/partial/$undamaged" "$src/$undamaged" || fail "an undamaged file was not extracted"
dependent=$(tail -1 "$WORK/expected")
expect_exit 1 "$PANYA" cat "$WORK/damaged.panya" "$dependent"
expect_in "$WORK/err" "stored against is damaged"

# Split parts (two packages, then one): each part is a bundle of its own, its frames refer
# to objects inside it.
expect_exit 0 pack "$src" -o "$WORK/split.panya" --split 3M
parts=$(ls "$WORK"/split.*.panya | wc -l)
[ "$parts" -ge 2 ] || fail "expected several parts, got $parts"
mkdir -p "$WORK/parts"
for part in "$WORK"/split.*.panya; do
    expect_exit 0 "$PANYA" verify "$part"
    expect_exit 0 "$PANYA" extract "$part" "$WORK/parts"
done
"$PANYA" inspect --json "$WORK/split.1.panya" >"$WORK/part1.json"
[ "$(json_field "$WORK/part1.json" 'sum(f["compression"] == "zstd+reference" for f in d["files"])')" -ge 3 ] ||
    fail "the first part has no reference frames"
diff -r "$src" "$WORK/parts" >/dev/null || fail "the split parts do not extract to the collection"

# Patches: a fourth version added to the collection.
make_collection "$WORK/next" 0 1 2 3
expect_exit 0 pack "$WORK/next" -o "$WORK/next.panya"
expect_exit 0 "$PANYA" diff "$WORK/refs.panya" "$WORK/next.panya" -o "$WORK/update.patch"
expect_exit 0 "$PANYA" patch "$WORK/refs.panya" "$WORK/update.patch" -o "$WORK/rebuilt.panya"
cmp -s "$WORK/rebuilt.panya" "$WORK/next.panya" || fail "the patch does not rebuild the new bundle"
expect_exit 0 "$PANYA" verify "$WORK/rebuilt.panya"

finish
