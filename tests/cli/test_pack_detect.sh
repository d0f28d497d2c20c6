#!/bin/bash
# Source detection on exports as they come from the field: course folders mixed with what
# operating systems and editors leave behind, unknown files, FLAC/WAV/MKV lessons, symbolic
# links, earlier outputs and a killed pack's temporaries. pack says which reader it chose and
# why, and one stray file changes nothing (hardening review findings 2, 3 and 12).
. "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null || { echo "ffmpeg (used to make test media) is missing"; exit 77; }
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
pack() { "$PANYA" pack "$@" --cache "$WORK/cache"; }
tone() { ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:duration=1" "$@"; }
pdf() { printf '%%PDF-1.4\n%% lesson %s\n%%%%EOF\n' "$2" >"$1"; }

# A small export: two course folders, Lao names.
ex=$WORK/export
mkdir -p "$ex/ຄະນິດສາດ" "$ex/ວິທະຍາສາດ"
pdf "$ex/ຄະນິດສາດ/1 ບົດນຳ.pdf" 1
pdf "$ex/ຄະນິດສາດ/2 ເລກ.pdf" 2
pdf "$ex/ວິທະຍາສາດ/1 ນ້ຳ.pdf" 3
expect_exit 0 pack "$ex" -o "$WORK/clean.panya" --profile source
expect_in "$WORK/out" "2 courses, 3 lessons"
expect_in "$WORK/out" "read as kpl: 2 course folders"

# Finding 2: Thumbs.db, a README, leftovers of macOS, Office and editors, an unknown file:
# still a KPL export; leftovers ignored with a note, the unknown file an attachment lesson.
cp -r "$ex" "$WORK/junk"
j=$WORK/junk
echo junk >"$j/ຄະນິດສາດ/Thumbs.db"
echo notes >"$j/README.txt"
echo x >"$j/.DS_Store"
echo x >"$j/ຄະນິດສາດ/._1 ບົດນຳ.pdf"
echo x >"$j/ຄະນິດສາດ/~\$ບົດ.docx"
echo x >"$j/ຄະນິດສາດ/2 ເລກ.pdf~"
echo x >"$j/ຄະນິດສາດ/.notes.swp"
echo x >"$j/ວິທະຍາສາດ/desktop.ini"
mkdir -p "$j/__MACOSX/ຄະນິດສາດ" && echo x >"$j/__MACOSX/ຄະນິດສາດ/._x"
echo data >"$j/ວິທະຍາສາດ/2 ຕາຕະລາງ.xyz"
expect_exit 0 pack "$j" -o "$WORK/junk.panya" --profile source
expect_in "$WORK/out" "read as kpl"
expect_in "$WORK/out" "2 courses, 4 lessons"
expect_in "$WORK/err" "Thumbs.db: ignored (left behind by the operating system or an editor)"
expect_in "$WORK/err" "README.txt: left out"
expect_in "$WORK/err" "2 ຕາຕະລາງ.xyz: not a lesson kind panya knows"
"$PANYA" inspect --json "$WORK/junk.panya" >"$WORK/junk.json"
python3 - "$WORK/junk.json" <<'PY' || fail "leftovers or the attachment in the bundle"
import json, sys
paths = sorted(f["path"] for f in json.load(open(sys.argv[1]))["files"])
assert paths == ["ຄະນິດສາດ/1 ບົດນຳ.pdf", "ຄະນິດສາດ/2 ເລກ.pdf", "ວິທະຍາສາດ/1 ນ້ຳ.pdf",
                 "ວິທະຍາສາດ/2 ຕາຕະລາງ.xyz"], paths
PY
"$PANYA" inspect --manifest "$WORK/junk.panya" | grep -q 'kind="attachment"' || fail "no attachment item"

# Finding 2 (security): a stray README must not let a hostile SCORM zip through unchecked.
mkdir -p "$WORK/bypass/course"
python3 - "$WORK/bypass/course/1 pkg.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("imsmanifest.xml", "<manifest/>")
    z.writestr("../../../../tmp/escaped.txt", "pwned")
PY
echo notes >"$WORK/bypass/README.txt"
expect_exit 1 pack "$WORK/bypass" -o "$WORK/bypass.panya" --profile source
expect_in "$WORK/err" "1 pkg.zip"
[ -e "$WORK/bypass.panya" ] && fail "a hostile SCORM zip was packed"

# A folder of web content stays a folder, and pack says why.
mkdir -p "$WORK/site/css" "$WORK/site/media"
echo '<html></html>' >"$WORK/site/index.html"
echo 'p{}' >"$WORK/site/css/a.css"
pdf "$WORK/site/media/a.pdf" 4
expect_exit 0 pack "$WORK/site" -o "$WORK/site.panya" --profile source
expect_in "$WORK/out" "read as folder: a folder that is not a KPL course export: index.html at its top"
expect_exit 0 pack "$ex" -o "$WORK/forced.panya" --profile source --source folder
expect_in "$WORK/out" "read as folder: --source folder was given"

# Finding 3: a link to a file outside the input is refused, naming the link; a link inside
# the input is followed; a link back up (a loop) is skipped with a note.
cp -r "$ex" "$WORK/links"
echo secret >"$WORK/secret.txt"
ln -s "$WORK/secret.txt" "$WORK/links/ຄະນິດສາດ/3 ລັບ.pdf"
expect_exit 1 pack "$WORK/links" -o "$WORK/links.panya" --profile source
expect_in "$WORK/err" "3 ລັບ.pdf: a symbolic link to '$WORK/secret.txt', outside the input"
expect_exit 1 pack "$WORK/links" -o "$WORK/links.panya" --profile source --source folder
expect_in "$WORK/err" "outside the input"
rm "$WORK/links/ຄະນິດສາດ/3 ລັບ.pdf"
ln -s "../ວິທະຍາສາດ/1 ນ້ຳ.pdf" "$WORK/links/ຄະນິດສາດ/3 ນ້ຳ.pdf"
mkdir -p "$WORK/links/site/sub" && echo '<p>' >"$WORK/links/site/index.html" && ln -s .. "$WORK/links/site/sub/up"
ln -s "$WORK/links/ວິທະຍາສາດ" "$WORK/links/ວິທະຍາສາດ ລິ້ງ"
for source in kpl folder; do
    expect_exit 0 pack "$WORK/links" -o "$WORK/links.panya" --profile source --source "$source"
    expect_in "$WORK/err" "skipped: a symbolic link back to a folder that holds it (a loop)"
    "$PANYA" cat "$WORK/links.panya" "ຄະນິດສາດ/3 ນ້ຳ.pdf" | grep -q "lesson 3" || fail "$source: a link inside the input was not followed"
    "$PANYA" cat "$WORK/links.panya" "ວິທະຍາສາດ ລິ້ງ/1 ນ້ຳ.pdf" | grep -q "lesson 3" || fail "$source: a link to a folder inside was not followed"
done
# Detected: a symbolic link to a course folder is a course folder; a stray web folder with a
# subfolder is kept as a course of attachment lessons, with warnings, not a reason to switch.
expect_exit 0 pack "$WORK/links" -o "$WORK/links.panya" --profile source
expect_in "$WORK/out" "read as kpl: 3 course folders"
expect_in "$WORK/out" "'site', without lesson files, read as a course too"
expect_in "$WORK/out" "4 courses, 7 lessons"
expect_in "$WORK/err" "site/sub: a folder without index.html or imsmanifest.xml; packed as an attachment lesson"

# Finding 12: an earlier output bundle, its split parts, a killed pack's temporary file and
# staging folder are never input, and do not change the reader.
cp -r "$ex" "$WORK/inside"
expect_exit 0 pack "$WORK/inside" -o "$WORK/inside-out.panya" --profile source
cp "$WORK/inside-out.panya" "$WORK/inside/ຄະນິດສາດ/out.panya"
cp "$WORK/inside-out.panya" "$WORK/inside/ຄະນິດສາດ/out.2.panya"
head -c 100000 /dev/urandom >"$WORK/inside/ຄະນິດສາດ/.out.panya.tmp-AbC123"
mkdir -p "$WORK/inside/panya-pack-Xy12Ab" && pdf "$WORK/inside/panya-pack-Xy12Ab/0.pdf" 9
expect_exit 0 pack "$WORK/inside" -o "$WORK/inside-out.panya" --profile source
expect_in "$WORK/out" "read as kpl"
expect_in "$WORK/out" "2 courses, 3 lessons, 3 items, 3 files"
expect_in "$WORK/err" "out.panya: ignored (a panya bundle (an earlier output?), not a lesson)"
expect_in "$WORK/err" "out.2.panya: ignored (a panya bundle"
expect_in "$WORK/err" ".out.panya.tmp-AbC123: ignored (a temporary file of panya"
expect_in "$WORK/err" "panya-pack-Xy12Ab: ignored (a temporary file of panya"
mkdir -p "$WORK/fo" && echo hi >"$WORK/fo/a.txt"
head -c 100000 /dev/urandom >"$WORK/fo/.out.panya.tmp-AbC123"
expect_exit 0 pack "$WORK/fo" -o "$WORK/fo.panya" --profile source
"$PANYA" inspect --json "$WORK/fo.panya" | grep -q 'tmp-AbC123' && fail "a killed pack's temporary file was packed"

# Lesson kinds are what libav reads: FLAC, WAV, OGG, MKV and 3GP lessons are audio or
# video and transcoded, in a KPL course and in a plain folder; a .mp3 that is not audio
# fails naming it.
m=$WORK/media/ດົນຕີ
mkdir -p "$m"
tone "$m/1 ສຽງ.flac"
tone "$m/2 ສຽງ.wav"
tone -c:a libopus "$m/3 ສຽງ.ogg" 2>/dev/null || tone -c:a libvorbis "$m/3 ສຽງ.ogg"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc=size=160x120:rate=10:duration=1" -f lavfi \
    -i "sine=duration=1" -shortest -c:v mpeg4 -c:a pcm_s16le "$m/4 ພາບ.mkv"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc=size=176x144:rate=10:duration=1" \
    -c:v mpeg4 "$m/5 ພາບ.3gp"
expect_exit 0 pack "$WORK/media" -o "$WORK/media.panya" --profile low --report "$WORK/media.json"
expect_in "$WORK/out" "1 courses, 5 lessons"
"$PANYA" inspect --manifest "$WORK/media.panya" >"$WORK/media.xml"
python3 - "$WORK/media.xml" "$WORK/media.json" <<'PY' || fail "FLAC/WAV/OGG/MKV/3GP lessons"
import json, re, sys
xml = open(sys.argv[1], encoding="utf-8").read()
kinds = dict(re.findall(r'kind="(\w+)" path="ດົນຕີ/(\d) ', xml)[i][::-1] for i in range(5))
assert kinds == {"1": "audio", "2": "audio", "3": "audio", "4": "video", "5": "video"}, kinds
items = {i["path"]: i for i in json.load(open(sys.argv[2]))["items"]}
assert len(items) == 5, items
PY
rm -rf "$WORK/plainmedia" && mkdir -p "$WORK/plainmedia" && cp "$m/1 ສຽງ.flac" "$m/4 ພາບ.mkv" "$WORK/plainmedia/"
echo '<p>' >"$WORK/plainmedia/index.html"
expect_exit 0 pack "$WORK/plainmedia" -o "$WORK/plainmedia.panya" --profile low --report "$WORK/plain.json"
[ "$(json_field "$WORK/plain.json" 'len(d["items"])')" = 2 ] || fail "FLAC/MKV in a plain folder were not transcoded"
echo "not audio" >"$m/6 ເສຍ.mp3"
expect_exit 1 pack "$WORK/media" -o "$WORK/media2.panya" --profile low
expect_in "$WORK/err" "6 ເສຍ.mp3: not audio or video panya can read"

# Lao digits are numbers in the lesson order: ໒ (2) before ໑໐ (10).
mkdir -p "$WORK/lao/ວິຊາ"
pdf "$WORK/lao/ວິຊາ/ບົດ ໑໐.pdf" 10
pdf "$WORK/lao/ວິຊາ/ບົດ ໒.pdf" 2
pdf "$WORK/lao/ວິຊາ/ບົດ ໑.pdf" 1
expect_exit 0 pack "$WORK/lao" -o "$WORK/lao.panya" --profile source
"$PANYA" inspect --manifest "$WORK/lao.panya" | grep -o 'kind="document" path="ວິຊາ/[^"]*"' | sed 's/^kind="document" //' >"$WORK/lao.order"
[ "$(tr '\n' '|' <"$WORK/lao.order")" = 'path="ວິຊາ/ບົດ ໑.pdf"|path="ວິຊາ/ບົດ ໒.pdf"|path="ວິຊາ/ບົດ ໑໐.pdf"|' ] ||
    fail "Lao digits out of order: $(tr '\n' ' ' <"$WORK/lao.order")"

# --dry-run: the plan, nothing written (no bundle, no cache).
rm -f "$m/6 ເສຍ.mp3"
expect_exit 0 "$PANYA" pack "$WORK/media" -o "$WORK/dry.panya" --dry-run --cache "$WORK/drycache"
expect_in "$WORK/out" "Plan for $WORK/dry.panya (nothing written)"
expect_in "$WORK/out" "read as kpl"
expect_in "$WORK/out" "lesson ດົນຕີ/4: 4 ພາບ (video)"
expect_in "$WORK/out" "transcodes: 10 needed, 0 in the cache"
expect_in "$WORK/out" "profile small"
expect_in "$WORK/out" "bundle with all 2 profiles about"
[ -e "$WORK/dry.panya" ] && fail "--dry-run wrote the bundle"
[ -e "$WORK/drycache" ] && fail "--dry-run created the cache"
expect_exit 0 "$PANYA" pack "$WORK/media" -o "$WORK/dry.panya" --dry-run --cache "$WORK/cache" --profile low
expect_in "$WORK/out" "transcodes: 0 needed, 5 in the cache"

# Review item 24: --keep-going that skips every lesson is an error, not an empty bundle.
mkdir -p "$WORK/allbad/c"
echo "not audio" >"$WORK/allbad/c/1 a.mp3"
echo "not video" >"$WORK/allbad/c/2 b.mp4"
expect_exit 1 pack "$WORK/allbad" -o "$WORK/allbad.panya" --profile low --keep-going
expect_in "$WORK/err" "every lesson was skipped (2)"
[ -e "$WORK/allbad.panya" ] && fail "an empty bundle was written"

finish
