#!/bin/bash
# Damaged and hostile bundles: a flipped byte in an object, in the index, in the footer; a
# truncated file; a zero-byte file; a foreign file; a manifest naming '..' paths; a symbolic
# link planted in the extraction folder. Each gets a clear message and exit 1, never a crash,
# and nothing is written outside the target folder.
. "$(dirname "$0")/lib.sh"

src=$WORK/src
mkdir -p "$src/lesson-a" "$src/lesson-b"
for i in $(seq 1 12); do
    printf '<html><body><h1>Page %d</h1><p>Some lesson text about page %d.</p></body></html>\n' "$i" "$i" >"$src/lesson-a/page$i.html"
done
head -c 20000 /dev/urandom >"$src/lesson-b/video.mp4"
echo "notes" >"$src/lesson-b/notes.txt"
"$PANYA" pack "$src" -o "$WORK/good.panya" -q --profile source || fail "pack failed"
"$PANYA" inspect --json "$WORK/good.panya" >"$WORK/good.json"
video_offset=$(json_field "$WORK/good.json" '[f for f in d["files"] if f["path"]=="lesson-b/video.mp4"][0]["offset"]')

# A flipped byte inside one object: verify names the file; the other files still extract.
cp "$WORK/good.panya" "$WORK/object.panya"
flip_byte "$WORK/object.panya" $((video_offset + 5000))
expect_exit 1 "$PANYA" verify "$WORK/object.panya"
expect_in "$WORK/out" "DAMAGED"
expect_in "$WORK/out" "damaged: lesson-b/video.mp4"
expect_exit 1 "$PANYA" extract "$WORK/object.panya" "$WORK/partial"
expect_in "$WORK/err" "lesson-b/video.mp4"
[ -e "$WORK/partial/lesson-b/video.mp4" ] && fail "a damaged file was written under its name"
cmp -s "$WORK/partial/lesson-a/page3.html" "$src/lesson-a/page3.html" || fail "undamaged file not extracted"
ls -A "$WORK/partial/lesson-b" | grep -q tmp && fail "temporary file left after damage"
expect_exit 1 "$PANYA" cat "$WORK/object.panya" lesson-b/video.mp4
expect_in "$WORK/err" "does not match its hash"
"$PANYA" cat "$WORK/object.panya" lesson-b/notes.txt | cmp -s - "$src/lesson-b/notes.txt" ||
    fail "an undamaged file of a damaged bundle is not readable"

# A flipped byte in the index.
index_offset=$(python3 - "$WORK/good.panya" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
print(struct.unpack_from("<Q", data, len(data) - 320 + 16)[0])
PY
)
cp "$WORK/good.panya" "$WORK/index.panya"
flip_byte "$WORK/index.panya" $((index_offset + 40))
expect_exit 1 "$PANYA" verify "$WORK/index.panya"
expect_in "$WORK/out" "index does not match its checksum"

# A flipped byte in the path table: verify says so; cat falls back to the manifest.
path_table=$(python3 - "$WORK/good.panya" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
offset, stored = struct.unpack_from("<QQ", data, len(data) - 320 + 104)
print(offset + stored // 2)
PY
)
cp "$WORK/good.panya" "$WORK/paths.panya"
flip_byte "$WORK/paths.panya" "$path_table"
expect_exit 1 "$PANYA" verify "$WORK/paths.panya"
expect_in "$WORK/out" "path table"
"$PANYA" cat "$WORK/paths.panya" lesson-b/notes.txt | cmp -s - "$src/lesson-b/notes.txt" ||
    fail "cat does not fall back to the manifest when the path table is damaged"

# A flipped byte in the footer.
cp "$WORK/good.panya" "$WORK/footer.panya"
flip_byte "$WORK/footer.panya" -120
expect_exit 1 "$PANYA" verify "$WORK/footer.panya"
expect_in "$WORK/err" "footer is damaged"
[ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "footer damage should be a one-line error"

# Truncated, empty, foreign.
head -c 3000 "$WORK/good.panya" >"$WORK/truncated.panya"
for cmd in verify inspect; do
    expect_exit 1 "$PANYA" "$cmd" "$WORK/truncated.panya"
    expect_in "$WORK/err" "truncated"
done
expect_exit 1 "$PANYA" extract "$WORK/truncated.panya" "$WORK/nothing"
: >"$WORK/empty.panya"
expect_exit 1 "$PANYA" verify "$WORK/empty.panya"
expect_in "$WORK/err" "empty file"
cp "$src/lesson-a/page1.html" "$WORK/foreign.panya"
expect_exit 1 "$PANYA" verify "$WORK/foreign.panya"
expect_in "$WORK/err" "not a panya bundle"

# A manifest naming paths outside the target: refused, nothing written outside.
hash=$(sha256sum "$src/lesson-b/notes.txt" | cut -d' ' -f1)
for evil in "../escaped.txt" "/tmp/panya-absolute-escape.txt" "a/../../escaped.txt"; do
    cat >"$WORK/evil.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:panya:bundle:1" format="1" id="evil" version="1">
  <files>
    <file path="$evil"><variant profile="source" mime="text/plain" size="6" sha256="$hash"/></file>
  </files>
</bundle>
XML
    "$CRAFT_BUNDLE" "$WORK/evil.panya" "$WORK/evil.xml" "$src/lesson-b/notes.txt" || fail "craft failed"
    expect_exit 1 "$PANYA" extract "$WORK/evil.panya" "$WORK/target/inner"
    expect_in "$WORK/err" "unsafe path"
    expect_exit 1 "$PANYA" verify "$WORK/evil.panya"
    expect_in "$WORK/out" "manifest cannot be read"
done
[ -e "$WORK/target/escaped.txt" ] || [ -e "$WORK/escaped.txt" ] || [ -e /tmp/panya-absolute-escape.txt ] &&
    fail "a file was written outside the target folder"

# A manifest whose files are out of order (readers binary-search them): refused.
printf 'a\n' >"$WORK/a.txt"
cat >"$WORK/unsorted.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:panya:bundle:1" format="1" id="unsorted" version="1">
  <files>
    <file path="z.txt"><variant profile="source" mime="text/plain" size="6" sha256="$hash"/></file>
    <file path="a.txt"><variant profile="source" mime="text/plain" size="2" sha256="$(sha256sum "$WORK/a.txt" | cut -d' ' -f1)"/></file>
  </files>
</bundle>
XML
"$CRAFT_BUNDLE" "$WORK/unsorted.panya" "$WORK/unsorted.xml" "$src/lesson-b/notes.txt" "$WORK/a.txt" ||
    fail "craft failed"
expect_exit 1 "$PANYA" verify "$WORK/unsorted.panya"
expect_in "$WORK/out" "not sorted by path"

# A symbolic link planted inside the target folder is not followed.
mkdir -p "$WORK/planted" "$WORK/elsewhere"
ln -s "$WORK/elsewhere" "$WORK/planted/lesson-a"
expect_exit 3 "$PANYA" extract "$WORK/good.panya" "$WORK/planted"
expect_in "$WORK/err" "symbolic link"
[ -z "$(ls -A "$WORK/elsewhere")" ] || fail "extract followed a planted symbolic link"

finish
