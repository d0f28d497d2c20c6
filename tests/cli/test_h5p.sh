#!/bin/bash
# H5P packages (issue 14): a .h5p file, and .h5p lessons in a course folder, become h5p
# items with a generated launch page and the shared h5p-standalone player; media inside are
# transcoded at their own paths so content.json keeps pointing at them. After extract every
# reference resolves, and a real browser plays each package offline. Broken packages are
# clear errors naming the file; --keep-going packs the rest.
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
pack() { "$PANYA" pack "$@" --cache "$WORK/cache"; }
make_h5p() { python3 "$here/make_h5p.py" "$@" || fail "make_h5p.py $*"; }

mkdir -p "$WORK/in/ບົດຮຽນ"
for kind in multichoice image audio; do
    make_h5p "$WORK/in/ບົດຮຽນ/$kind.h5p" "$kind"
done

# One .h5p: its own course, read as h5p.
expect_exit 0 pack "$WORK/in/ບົດຮຽນ/multichoice.h5p" -o "$WORK/mc.panya"
expect_in "$WORK/out" "read as h5p: a .h5p file"
"$PANYA" inspect --manifest "$WORK/mc.panya" >"$WORK/mc.xml"
expect_in "$WORK/mc.xml" '<item id="multichoice/1" kind="h5p" path="multichoice" launch="multichoice/index.html">'
expect_in "$WORK/mc.xml" 'Panya multichoice test'
expect_in "$WORK/mc.xml" '_panya/h5p-standalone/main.bundle.js'
xmllint --noout --schema "$PANYA_SOURCE_ROOT/manifest/bundle_manifest.xsd" "$WORK/mc.xml" 2>"$WORK/xsd" ||
    fail "manifest not valid against the XSD: $(cat "$WORK/xsd")"

# An unpacked package (a folder with h5p.json): the same, named after the folder.
mkdir -p "$WORK/unpacked/quiz"
(cd "$WORK/unpacked/quiz" && unzip -q "$WORK/in/ບົດຮຽນ/multichoice.h5p") || fail "unzip"
expect_exit 0 pack "$WORK/unpacked/quiz" -o "$WORK/u.panya" --profile source
expect_in "$WORK/out" "read as h5p: h5p.json at its root"
"$PANYA" inspect --manifest "$WORK/u.panya" | grep -q 'kind="h5p" path="quiz" launch="quiz/index.html"' ||
    fail "the unpacked package is not an h5p item"
[ -e "$WORK/unpacked/quiz/index.html" ] && fail "the launch page was written into the input"

# A course folder of three content types: one player stored once, media transcoded in place.
expect_exit 0 pack "$WORK/in" -o "$WORK/c.panya"
expect_in "$WORK/out" "1 courses, 3 lessons"
"$PANYA" inspect --manifest "$WORK/c.panya" >"$WORK/c.xml"
[ "$(grep -c 'path="_panya/h5p-standalone/main.bundle.js"' "$WORK/c.xml")" = 1 ] ||
    fail "the player is not stored exactly once"
python3 - "$WORK/c.xml" <<'PY' || fail "media in H5P packages not transcoded at their own paths"
import sys, xml.etree.ElementTree as ET
ns = "{urn:panya:bundle:1}"
files = {f.get("path"): f for f in ET.parse(sys.argv[1]).getroot().iter(ns + "file")}
image = files["ບົດຮຽນ/image/content/images/photo-1.png"]
assert all(v.get("mime") == "image/webp" for v in image.iter(ns + "variant")), "png not webp"
audio = files["ບົດຮຽນ/audio/content/audios/tone.wav"]
assert all(v.get("mime") != "audio/wav" for v in audio.iter(ns + "variant")), "wav kept"
PY
for profile in small low; do
    rm -rf "$WORK/x"
    expect_exit 0 "$PANYA" extract "$WORK/c.panya" "$WORK/x" --profile "$profile"
    python3 "$here/check_references.py" "$WORK/x" "$WORK/c.xml" >"$WORK/refs" ||
        fail "$profile: $(cat "$WORK/refs")"
    expect_in "$WORK/refs" "3 items checked"
done

# A real browser plays each package from the extracted bundle, offline (127.0.0.1 only):
# the test libraries report what they rendered, from content.json and its media.
python3 "$here/play_in_browser.py" "$WORK/x" "ບົດຮຽນ/multichoice/index.html" \
    "ບົດຮຽນ/image/index.html" "ບົດຮຽນ/audio/index.html" >"$WORK/played"
rc=$?
if [ "$rc" = 77 ]; then
    echo "chromium is not installed: the packages were not played in a browser"
elif [ "$rc" != 0 ]; then
    fail "the browser could not be run: $(cat "$WORK/played")"
else
    python3 - "$WORK/played" <<'PY' || fail "not played: $(cat "$WORK/played")"
import sys, urllib.parse
log = [urllib.parse.unquote(l) for l in open(sys.argv[1]).read().splitlines()]
def played(kind, text):
    return any(l.startswith("GET /panya-played/H5P.%s?" % kind) and text in l for l in log)
assert played("MultiChoice", "ເລກ 2 + 2 ເທົ່າໃດ?"), "multichoice"
assert played("Image", "/content/images/photo-1.png"), "image"
assert played("Audio", "/content/audios/tone.wav"), "audio"
assert any("photo-1.png 200" in l for l in log), "the picture was not fetched"
missing = [l for l in log if l.endswith(" 404") and "/panya-played/" not in l
           and "favicon" not in l]
assert not missing, missing
PY
fi

# Broken packages: a clear error naming the file and what is wrong; no bundle.
mkdir -p "$WORK/bad"
make_h5p "$WORK/bad/no-json.h5p" multichoice --break no-h5p-json
make_h5p "$WORK/bad/no-content.h5p" image --break no-content
make_h5p "$WORK/bad/no-library.h5p" multichoice --break no-library
make_h5p "$WORK/bad/no-nested.h5p" multichoice --break no-nested-library
make_h5p "$WORK/bad/bad-json.h5p" audio --break bad-json
make_h5p "$WORK/bad/web-page.h5p" image --break index-html
echo "not a zip" >"$WORK/bad/damaged.h5p"
check_bad() {
    expect_exit 1 pack "$WORK/bad/$1" -o "$WORK/bad.panya"
    expect_in "$WORK/err" "$1: "
    expect_in "$WORK/err" "$2"
    [ -e "$WORK/bad.panya" ] && fail "$1: a failed pack left a bundle"
}
check_bad no-json.h5p "not a playable H5P package: h5p.json is missing"
check_bad no-content.h5p "not a playable H5P package: content/content.json is missing"
check_bad no-library.h5p "the library H5P.PanyaQuestion-1.5 (needed by h5p.json) is missing"
check_bad no-nested.h5p "the library H5P.PanyaQuestion-1.5 (needed by H5P.MultiChoice-1.16/library.json) is missing"
check_bad bad-json.h5p "h5p.json:"
check_bad web-page.h5p "index.html at its root"
check_bad damaged.h5p "damaged.h5p"

# In a course folder: the pack fails on the broken one, or --keep-going packs the rest.
cp "$WORK/bad/no-library.h5p" "$WORK/in/ບົດຮຽນ/4 broken.h5p"
expect_exit 1 pack "$WORK/in" -o "$WORK/k.panya"
expect_in "$WORK/err" "4 broken.h5p: not a playable H5P package"
expect_exit 6 pack "$WORK/in" -o "$WORK/k.panya" --keep-going
expect_in "$WORK/out" "4 broken.h5p"
expect_in "$WORK/out" "3 lessons"

# Without the player there is nothing to play the lesson with: said, not packed.
mkdir -p "$WORK/empty"
PANYA_H5P_PLAYER_DIR=$WORK/empty expect_exit 2 pack "$WORK/in/ບົດຮຽນ/image.h5p" -o "$WORK/np.panya"
expect_in "$WORK/err" "the H5P player (npm h5p-standalone) is not installed"
finish
