#!/bin/bash
# PDF textbooks as page pictures: bytes per page per profile against the source PDF and
# against Ghostscript's `-dPDFSETTINGS=/ebook` (what people use to shrink PDFs), for a scanned
# book and a document with text, made in the same run; and render time per page.
#
#   bench/pdf.sh [BUILD_DIR] [PAGES]
#
# The scanned book is tests/cli/make_pdf.py's scan (paper grain, lines of dark marks) passed
# through `gs -dPDFSETTINGS=/prepress`, which stores its pages as JPEG as scanners do. Bytes
# per page of panya are the page pictures' variant sizes from the manifest (the viewer page
# and, for text documents, the kept PDF are listed apart). Render time: `pack --profile
# source` (render, no transcode) wall time per page; transcode time is the rest of a full
# pack. Never part of meson test.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
pages=${2:-8}
panya=$build/panya
out=$root/bench/out/pdf
for tool in gs python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done
[ -x "$panya" ] || { echo "bench: build panya first ($panya)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
export TMPDIR=$out

python3 "$root/tests/cli/make_pdf.py" "$out/scan-raw.pdf" scanned "$pages"
gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -dPDFSETTINGS=/prepress -sOutputFile="$out/scan.pdf" "$out/scan-raw.pdf"
python3 "$root/tests/cli/make_pdf.py" "$out/text.pdf" vector "$pages"

printf '%-6s %10s %10s %10s %10s %12s %12s %12s\n' doc "pdf B/p" "ebook B/p" "small B/p" \
    "low B/p" "small/pdf" "low/pdf" "render ms/p"
for doc in scan text; do
    src=$out/$doc.pdf
    gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -dPDFSETTINGS=/ebook -sOutputFile="$out/$doc-ebook.pdf" "$src"
    start=$(date +%s.%N)
    "$panya" pack "$src" -o "$out/$doc-source.panya" --profile source --cache "$out/cache" -q 2>/dev/null
    end=$(date +%s.%N)
    "$panya" pack "$src" -o "$out/$doc.panya" --cache "$out/cache" -q 2>/dev/null
    "$panya" inspect --manifest "$out/$doc.panya" >"$out/$doc.xml"
    python3 - "$out/$doc.xml" "$src" "$out/$doc-ebook.pdf" "$pages" "$start" "$end" "$doc" <<'PY'
import os, sys, xml.etree.ElementTree as ET
manifest, src, ebook, pages, start, end, doc = sys.argv[1:]
pages = int(pages)
ns = "{urn:panya:bundle:1}"
size = {"small": 0, "low": 0}
for f in ET.parse(manifest).getroot().iter(ns + "file"):
    if "/pages/" in f.get("path"):
        for v in f.iter(ns + "variant"):
            if v.get("profile") in size:
                size[v.get("profile")] += int(v.get("size"))
pdf = os.path.getsize(src) / pages
gs = os.path.getsize(ebook) / pages
print("%-6s %10.0f %10.0f %10.0f %10.0f %12.3f %12.3f %12.0f" % (
    doc, pdf, gs, size["small"] / pages, size["low"] / pages, size["small"] / pages / pdf,
    size["low"] / pages / pdf, (float(end) - float(start)) * 1000 / pages))
PY
done
