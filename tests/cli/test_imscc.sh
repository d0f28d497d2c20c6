#!/bin/bash
# IMS Common Cartridges 1.1-1.3 (issue 14): the organization's items in order as lessons;
# web content at its own paths, web links as online-only link pages, LTI tools, assessments
# and discussions listed as not available offline. After extract every reference resolves.
# A cartridge whose item opens a file it lacks is an error naming both.
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR" "$WORK/in"
pack() { "$PANYA" pack "$@" --cache "$WORK/cache"; }

for version in 1.1 1.2 1.3; do
    python3 "$here/make_imscc.py" "$WORK/in/weather-$version.imscc" "$version" ||
        fail "make_imscc.py $version"
    expect_exit 0 pack "$WORK/in/weather-$version.imscc" -o "$WORK/cc.panya"
    expect_in "$WORK/out" "read as imscc: a .imscc file"
    expect_in "$WORK/out" "1 courses, 4 lessons"
    expect_in "$WORK/err" "'Lab tool' not packed, not available offline: an LTI tool"
    expect_in "$WORK/err" "'Quiz 1' not packed, not available offline: an assessment"
    expect_in "$WORK/err" "'Forum' not packed, not available offline: a discussion"
done
"$PANYA" inspect --manifest "$WORK/cc.panya" >"$WORK/cc.xml"
python3 - "$WORK/cc.xml" <<'PY' || fail "lessons, kinds or titles of the cartridge"
import sys, xml.etree.ElementTree as ET
ns = "{urn:panya:bundle:1}"
root = ET.parse(sys.argv[1]).getroot()
course = root.find(ns + "course")
assert course.find(ns + "title").text == "ວິທະຍາສາດ Weather"
items = [(i.get("kind"), i.get("path"), i.find(ns + "title").text) for i in root.iter(ns + "item")]
assert items == [("html", "weather-1.3/week1/rain.html", "ຝົນ Rain"),
                 ("html", "weather-1.3/week1/wind.html", "Wind"),
                 ("document", "weather-1.3/week1/notes.pdf", "Notes"),
                 ("url", "weather-1.3/_links/link-4.html", "Weather service")], items
PY
xmllint --noout --schema "$PANYA_SOURCE_ROOT/manifest/bundle_manifest.xsd" "$WORK/cc.xml" 2>"$WORK/xsd" ||
    fail "manifest not valid against the XSD: $(cat "$WORK/xsd")"
expect_exit 0 "$PANYA" extract "$WORK/cc.panya" "$WORK/x"
python3 "$here/check_references.py" "$WORK/x" "$WORK/cc.xml" >"$WORK/refs" || fail "$(cat "$WORK/refs")"
expect_in "$WORK/x/weather-1.3/_links/link-4.html" 'href="https://example.org/weather?a=1&amp;b=2"'
expect_in "$WORK/x/weather-1.3/_links/link-4.html" "opens only with an internet connection"

# Damaged and hostile cartridges: errors naming the cartridge.
python3 "$here/make_imscc.py" "$WORK/in/broken.imscc" 1.3 --break || fail "make_imscc.py --break"
expect_exit 1 pack "$WORK/in/broken.imscc" -o "$WORK/b.panya"
expect_in "$WORK/err" "broken.imscc: 'Wind' opens week1/wind.html, which is not in the cartridge"
[ -e "$WORK/b.panya" ] && fail "a failed pack left a bundle"
python3 - "$WORK/in/scorm.imscc" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("imsmanifest.xml", '<manifest xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"/>')
PY
expect_exit 1 pack "$WORK/in/scorm.imscc" -o "$WORK/b.panya"
expect_in "$WORK/err" "scorm.imscc: imsmanifest.xml is not a Common Cartridge manifest"
python3 - "$WORK/in/doctype.imscc" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("imsmanifest.xml", '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM '
               '"file:///etc/passwd">]><manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p3/'
               'imscp_v1p1">&x;</manifest>')
PY
expect_exit 1 pack "$WORK/in/doctype.imscc" -o "$WORK/b.panya"
expect_in "$WORK/err" "doctype.imscc"
grep -q "root:" "$WORK/err" && fail "an external entity was read"
finish
