#!/bin/bash
# PDF textbooks (issue 14): each page rendered in process (poppler, in the codecs module) to
# a picture, WebP at each profile's picture size, in a page viewer that works without
# JavaScript and keeps each page's text; a document with text keeps its PDF as a download,
# a scanned book does not. After extract every reference resolves. Damaged and encrypted
# PDFs are clear errors naming the file.
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR" "$WORK/in"
pack() { "$PANYA" pack "$@" --cache "$WORK/cache"; }
python3 "$here/make_pdf.py" "$WORK/in/ນ້ຳ ແລະ ຝົນ.pdf" vector 3 || fail "make_pdf.py vector"
python3 "$here/make_pdf.py" "$WORK/in/scan.pdf" scanned 2 || fail "make_pdf.py scanned"

# A document with text: page pictures, the viewer with its text, the PDF as a download.
expect_exit 0 pack "$WORK/in/ນ້ຳ ແລະ ຝົນ.pdf" -o "$WORK/v.panya"
expect_in "$WORK/out" "read as pdf: a .pdf file"
expect_in "$WORK/err" "3 pages with text or drawings (0 one picture): packed as page pictures, and the PDF"
"$PANYA" inspect --manifest "$WORK/v.panya" >"$WORK/v.xml"
expect_in "$WORK/v.xml" 'kind="pdf" path="ນ້ຳ ແລະ ຝົນ" launch="ນ້ຳ ແລະ ຝົນ/index.html"'
xmllint --noout --schema "$PANYA_SOURCE_ROOT/manifest/bundle_manifest.xsd" "$WORK/v.xml" 2>"$WORK/xsd" ||
    fail "manifest not valid against the XSD: $(cat "$WORK/xsd")"
python3 - "$WORK/v.xml" <<'PY' || fail "pages are not WebP at each profile's picture size"
import sys, xml.etree.ElementTree as ET
ns = "{urn:panya:bundle:1}"
files = {f.get("path"): f for f in ET.parse(sys.argv[1]).getroot().iter(ns + "file")}
pages = [p for p in files if "/pages/" in p]
assert len(pages) == 3, pages
for p in pages:
    sides = {v.get("profile"): max(int(v.get("width")), int(v.get("height")))
             for v in files[p].iter(ns + "variant") if v.get("mime") == "image/webp"}
    assert sides == {"small": 1280, "low": 720}, (p, sides)
assert "ນ້ຳ ແລະ ຝົນ/ນ້ຳ ແລະ ຝົນ.pdf" in files, "the PDF is not kept as a download"
PY
for profile in small low; do
    rm -rf "$WORK/x"
    expect_exit 0 "$PANYA" extract "$WORK/v.panya" "$WORK/x" --profile "$profile"
    python3 "$here/check_references.py" "$WORK/x" "$WORK/v.xml" >"$WORK/refs" ||
        fail "$profile: $(cat "$WORK/refs")"
done
viewer="$WORK/x/ນ້ຳ ແລະ ຝົນ/index.html"
expect_in "$viewer" "Page 2: Water and rain"
expect_in "$viewer" '<a href="#p3" rel="next">'
expect_in "$viewer" 'loading="lazy"'
expect_in "$viewer" 'download>Download the PDF'
grep -q "<script" "$viewer" && fail "the viewer needs JavaScript"

# A scanned book: page pictures only, much smaller than its PDF.
expect_exit 0 pack "$WORK/in/scan.pdf" -o "$WORK/s.panya"
expect_in "$WORK/err" "2 pages, scanned (2 one picture each): packed as page pictures; the PDF"
"$PANYA" inspect --manifest "$WORK/s.panya" >"$WORK/s.xml"
grep -q 'scan/scan.pdf' "$WORK/s.xml" && fail "a scanned book kept its PDF"
[ "$(stat -c %s "$WORK/s.panya")" -lt "$(stat -c %s "$WORK/in/scan.pdf")" ] ||
    fail "the scanned book's bundle is not smaller than its PDF"
rm -rf "$WORK/x"
expect_exit 0 "$PANYA" extract "$WORK/s.panya" "$WORK/x"
python3 "$here/check_references.py" "$WORK/x" "$WORK/s.xml" >"$WORK/refs" || fail "$(cat "$WORK/refs")"

# Damaged and encrypted PDFs: an error naming the file; nothing written.
mkdir -p "$WORK/bad"
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog\n' >"$WORK/bad/cut.pdf"
expect_exit 1 pack "$WORK/bad/cut.pdf" -o "$WORK/bad.panya"
expect_in "$WORK/err" "cut.pdf: damaged, or not a PDF"
[ -e "$WORK/bad.panya" ] && fail "a failed pack left a bundle"
if command -v gs >/dev/null; then
    gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sOwnerPassword=teacher -sUserPassword=secret \
        -sOutputFile="$WORK/bad/locked.pdf" "$WORK/in/ນ້ຳ ແລະ ຝົນ.pdf" >/dev/null 2>&1 ||
        fail "gs could not encrypt a PDF"
    expect_exit 1 pack "$WORK/bad/locked.pdf" -o "$WORK/bad.panya"
    expect_in "$WORK/err" "locked.pdf: the PDF is encrypted (it needs a password to open)"
else
    echo "gs is not installed: encrypted PDFs not tested"
fi
expect_exit 1 pack "$WORK/bad/cut.pdf" -o "$WORK/bad.panya" --keep-going
grep -qF "cut.pdf: damaged" "$WORK/out" "$WORK/err" || fail "--keep-going does not list the damaged PDF"
finish
