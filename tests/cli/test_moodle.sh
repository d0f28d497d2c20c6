#!/bin/bash
# Moodle course backups (issue 14): a .mbz as gzip'd tar and as zip packs to one course whose
# lessons are the activities in section order (sections by number, modules by sequence), with
# the course's and activities' titles; pages, labels and book chapters become pages whose
# @@PLUGINFILE@@ pictures resolve, URLs online-only link pages, SCORM and H5P activities their
# packages; quizzes and forums are listed as not available offline. After extract every
# reference resolves. Damaged and hostile backups: clear errors naming the backup, and
# --keep-going keeps the rest.
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR" "$WORK/in"
pack() { "$PANYA" pack "$@" --cache "$WORK/cache"; }

for form in tar zip; do
    python3 "$here/make_mbz.py" "$WORK/in/weather.mbz" $([ $form = zip ] && echo --zip) ||
        fail "make_mbz.py ($form)"
    expect_exit 0 pack "$WORK/in/weather.mbz" -o "$WORK/m-$form.panya"
    expect_in "$WORK/out" "read as moodle: a .mbz file (Moodle course backup)"
    expect_in "$WORK/out" "1 courses, 9 lessons"
    expect_in "$WORK/err" "'Quiz 1' not packed, not available offline: a Moodle quiz activity"
    expect_in "$WORK/err" "'News' not packed, not available offline: a Moodle forum activity"
    "$PANYA" inspect --manifest "$WORK/m-$form.panya" >"$WORK/m-$form.xml"
    python3 - "$WORK/m-$form.xml" <<'PY' || fail "lessons, kinds or titles of the backup ($form)"
import sys, xml.etree.ElementTree as ET
ns = "{urn:panya:bundle:1}"
root = ET.parse(sys.argv[1]).getroot()
course = root.find(ns + "course")
assert course.find(ns + "title").text == "ວິທະຍາສາດ Weather"
items = [(i.get("kind"), i.get("path"), i.get("launch"), i.find(ns + "title").text)
         for i in root.iter(ns + "item")]
expected = [
    ("html", "weather/label_15", "weather/label_15/index.html", "Welcome"),
    ("html", "weather/page_11", "weather/page_11/index.html", "ຝົນ Rain"),
    ("document", "weather/resource_12/notes.pdf", None, "Notes"),
    ("image", "weather/resource_13/map.png", None, "Map"),
    ("url", "weather/url_16/index.html", None, "Weather service"),
    ("folder", "weather/folder_14", None, "Worksheets"),
    ("scorm", "weather/scorm_17", "weather/scorm_17/clouds.html", "Clouds quiz"),
    ("h5p", "weather/h5pactivity_18", "weather/h5pactivity_18/index.html", "Check yourself"),
    ("html", "weather/book_19", "weather/book_19/index.html", "Weather book"),
]
assert items == expected, items
PY
done
xmllint --noout --schema "$PANYA_SOURCE_ROOT/manifest/bundle_manifest.xsd" "$WORK/m-tar.xml" 2>"$WORK/xsd" ||
    fail "manifest not valid against the XSD: $(cat "$WORK/xsd")"
expect_exit 0 "$PANYA" extract "$WORK/m-tar.panya" "$WORK/x"
python3 "$here/check_references.py" "$WORK/x" "$WORK/m-tar.xml" >"$WORK/refs" || fail "$(cat "$WORK/refs")"
w=$WORK/x/weather
expect_in "$w/page_11/index.html" '<img src="images/cloud.png" alt="cloud">'
[ -f "$w/page_11/images/cloud.png" ] || fail "the page's picture is not beside it"
grep -q "@@PLUGINFILE@@" -r "$w" && fail "a @@PLUGINFILE@@ link was left"
expect_in "$w/label_15/index.html" "Welcome to the weather course."
expect_in "$w/url_16/index.html" 'href="https://example.org/weather?a=1&amp;b=2"'
expect_in "$w/url_16/index.html" "opens only with an internet connection"
[ -f "$w/folder_14/sheet1.txt" ] && [ -f "$w/folder_14/week 2/chart.png" ] ||
    fail "the folder's files are not at their paths"
# The book's chapters in page order (Sun is page 1, listed second in book.xml).
grep -o 'chapter-[0-9]*/index.html">[A-Za-z]*' "$w/book_19/index.html" | tr '\n' ' ' >"$WORK/chapters"
expect_in "$WORK/chapters" 'chapter-1/index.html">Sun chapter-2/index.html">Wind'
expect_in "$w/book_19/chapter-1/index.html" '<img src="sun.png">'

# Damaged and hostile backups: errors naming the backup; no bundle left behind.
check_bad() { # NAME BREAK MESSAGE
    python3 "$here/make_mbz.py" "$WORK/in/$1" --break "$2" || fail "make_mbz.py --break $2"
    expect_exit 1 pack "$WORK/in/$1" -o "$WORK/b.panya"
    expect_in "$WORK/err" "$3"
    [ -e "$WORK/b.panya" ] && fail "a failed pack of $1 left a bundle"
}
check_bad missing.mbz missing-file \
    "missing.mbz: 'Notes' (activities/resource_12): files.xml lists '/gone.pdf', but files/"
check_bad nobackup.mbz no-backup-xml "nobackup.mbz: moodle_backup.xml is missing"
check_bad traversal.mbz traversal "traversal.mbz: entry '../evil.txt' would be written outside"
[ -e "$TMPDIR/evil.txt" ] || [ -e "$WORK/evil.txt" ] && fail "a ../ entry was written"
check_bad climb.mbz bad-directory "climb.mbz: 'ຝົນ Rain' (activities/../../page_11): directory"

# --keep-going packs the rest and names what it skipped.
expect_exit 6 pack "$WORK/in/missing.mbz" -o "$WORK/k.panya" --keep-going
expect_in "$WORK/out" "8 lessons"
cat "$WORK/out" "$WORK/err" >"$WORK/all"
expect_in "$WORK/all" "skipped: $WORK/in/missing.mbz: 'Notes'"
"$PANYA" inspect --manifest "$WORK/k.panya" >"$WORK/k.xml"
grep -q "resource_12" "$WORK/k.xml" && fail "the skipped resource's files were packed"

# A bomb: a gzip'd tar whose one entry unpacks 1000 times larger than the backup.
python3 - "$WORK/in/bomb.mbz" <<'PY'
import io, sys, tarfile
class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readinto(self, b):
        n = min(len(b), self.left); b[:n] = bytes(n); self.left -= n; return n
with tarfile.open(sys.argv[1], "w:gz") as t:
    info = tarfile.TarInfo("files/00/zeros"); info.size = 64 << 20
    t.addfile(info, Zeros(info.size))
PY
expect_exit 1 pack "$WORK/in/bomb.mbz" -o "$WORK/b.panya"
expect_in "$WORK/err" "bomb.mbz"
expect_in "$WORK/err" "bomb"
finish
