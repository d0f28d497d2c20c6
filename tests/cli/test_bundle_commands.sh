#!/bin/bash
# pack, inspect, verify, extract and cat on a folder with Lao names, duplicates, an empty
# folder, text and incompressible data; determinism; usage errors.
. "$(dirname "$0")/lib.sh"

src=$WORK/ຫ້ອງຮຽນ
mkdir -p "$src/ບົດທີ 1" "$src/css" "$src/empty/also-empty" "$src/media"
for i in $(seq 1 30); do
    printf '<html lang="lo"><head><title>ບົດທີ %d</title><link href="../css/site.css"></head><body><h1>Lesson %d</h1><p>ນັບເລກ %d ເຖິງ %d. Count from %d to %d.</p></body></html>\n' \
        "$i" "$i" "$i" "$((i * 3))" "$i" "$((i * 3))" >"$src/ບົດທີ 1/ໜ້າ $i.html"
done
printf 'body { font-family: "Phetsarath OT", sans-serif; }\n' >"$src/css/site.css"
cp "$src/css/site.css" "$src/css/copy-of-site.css"
head -c 1048576 /dev/urandom >"$src/media/clip.mp4"
head -c 5000 /dev/urandom >"$src/media/photo.jpg"
: >"$src/empty-file.txt"

# Commands and help
expect_exit 0 "$PANYA" --version
expect_in "$WORK/out" "panya "
expect_exit 0 "$PANYA" --help
cp "$WORK/out" "$WORK/help"
expect_in "$WORK/help" "Exit codes"
for cmd in pack inspect verify extract cat; do
    expect_in "$WORK/help" "  $cmd"
    expect_exit 0 "$PANYA" help "$cmd"
    expect_in "$WORK/out" "usage: panya $cmd"
done
expect_exit 2 "$PANYA" no-such-command
expect_exit 2 "$PANYA" pack "$src"
expect_in "$WORK/err" "missing -o"
expect_exit 2 "$PANYA" pack "$WORK/does-not-exist" -o "$WORK/x.panya"
expect_exit 2 "$PANYA" pack "$src" -o "$WORK/x.panya" --level 99
expect_exit 2 "$PANYA" inspect "$WORK/does-not-exist.panya"

# Pack
expect_exit 0 "$PANYA" pack "$src" -o "$WORK/lessons.panya" --profile source --title-lo "ຫ້ອງຮຽນ"
expect_in "$WORK/out" "35 files"
expect_in "$WORK/out" "duplicate"
[ -s "$WORK/lessons.panya" ] || fail "no bundle written"

# Inspect
expect_exit 0 "$PANYA" inspect "$WORK/lessons.panya"
expect_in "$WORK/out" "format 1.1"
expect_in "$WORK/out" "ຫ້ອງຮຽນ"
expect_in "$WORK/out" "35 ("
expect_exit 0 "$PANYA" inspect --json "$WORK/lessons.panya"
cp "$WORK/out" "$WORK/inspect.json"
[ "$(json_field "$WORK/inspect.json" 'len(d["files"])')" = 35 ] || fail "json: file count"
[ "$(json_field "$WORK/inspect.json" 'd["objects"]')" = 34 ] || fail "json: duplicates not stored once"
[ "$(json_field "$WORK/inspect.json" '[f for f in d["files"] if f["path"]=="media/clip.mp4"][0]["compression"]')" = none ] ||
    fail "media should be stored raw"
[ "$(json_field "$WORK/inspect.json" '[f for f in d["files"] if f["path"]=="media/clip.mp4"][0]["offset"] % 4096')" = 0 ] ||
    fail "media should be 4096-byte aligned"
[ "$(json_field "$WORK/inspect.json" '[f for f in d["files"] if f["path"]=="ບົດທີ 1/ໜ້າ 7.html"][0]["mime"]')" = text/html ] ||
    fail "json: Lao path or MIME type"
[ "$(json_field "$WORK/inspect.json" 'all(f["stored_size"] < f["size"] for f in d["files"] if f["mime"]=="text/html")')" = True ] ||
    fail "html should be compressed"
# The stored bytes at (offset, size) are the file itself: players can stream by range.
clip_offset=$(json_field "$WORK/inspect.json" '[f for f in d["files"] if f["path"]=="media/clip.mp4"][0]["offset"]')
tail -c +$((clip_offset + 1)) "$WORK/lessons.panya" | head -c 1048576 | cmp -s - "$src/media/clip.mp4" ||
    fail "raw object bytes differ from the file at its offset"

# The manifest follows the schema kept in the repository.
if command -v xmllint >/dev/null; then
    expect_exit 0 "$PANYA" inspect --manifest "$WORK/lessons.panya"
    xmllint --noout --schema "$PANYA_SOURCE_ROOT/manifest/bundle_manifest.xsd" "$WORK/out" 2>"$WORK/xsd" ||
        fail "manifest does not validate: $(cat "$WORK/xsd")"
fi

# Verify, extract, cat
expect_exit 0 "$PANYA" verify "$WORK/lessons.panya"
expect_in "$WORK/out" "OK (34 objects, 35 files)"
expect_exit 0 "$PANYA" extract "$WORK/lessons.panya" "$WORK/out-dir"
diff -r "$src" "$WORK/out-dir" >"$WORK/diff" || fail "extract differs: $(head -5 "$WORK/diff")"
[ -d "$WORK/out-dir/empty/also-empty" ] || fail "empty folder not recreated"
"$PANYA" cat "$WORK/lessons.panya" "ບົດທີ 1/ໜ້າ 12.html" | cmp -s - "$src/ບົດທີ 1/ໜ້າ 12.html" ||
    fail "cat of a Lao-named file differs"
"$PANYA" cat "$WORK/lessons.panya" media/clip.mp4 | cmp -s - "$src/media/clip.mp4" || fail "cat of media differs"
"$PANYA" cat "$WORK/lessons.panya" empty-file.txt | cmp -s - "$src/empty-file.txt" || fail "cat of empty file"
expect_exit 2 "$PANYA" cat "$WORK/lessons.panya" no/such/file
expect_in "$WORK/err" "no file 'no/such/file'"

# Determinism: the same files created in another order, at other times, give the same bytes.
copy=$WORK/copy/ຫ້ອງຮຽນ
mkdir -p "$copy"
(cd "$src" && find . -type f | sort -r | while read -r f; do
    mkdir -p "$copy/$(dirname "$f")"
    cp "$f" "$copy/$f"
    touch -d "2001-02-03 04:05:06" "$copy/$f"
done)
mkdir -p "$copy/empty/also-empty"
expect_exit 0 "$PANYA" pack "$copy" -o "$WORK/again.panya" --profile source --title-lo "ຫ້ອງຮຽນ" --threads 1
cmp -s "$WORK/lessons.panya" "$WORK/again.panya" || fail "packing the same input twice gave different bytes"

# A bundle written inside the folder it packs does not pack itself on the next run.
expect_exit 0 "$PANYA" pack "$src" -o "$src/self.panya" --profile source
expect_exit 0 "$PANYA" pack "$src" -o "$src/self.panya" --profile source
expect_exit 0 "$PANYA" inspect --json "$src/self.panya"
grep -q '"self.panya"' "$WORK/out" && fail "the bundle packed itself"
rm -f "$src/self.panya"

# Repacking over an existing bundle replaces it whole; no temporary files are left behind.
expect_exit 0 "$PANYA" pack "$src" -o "$WORK/lessons.panya" --profile source --no-dictionaries --level 3
expect_exit 0 "$PANYA" verify "$WORK/lessons.panya"
ls -a "$WORK" | grep -q '\.tmp-' && fail "temporary file left behind"

finish
