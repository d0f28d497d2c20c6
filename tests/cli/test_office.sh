#!/bin/bash
# Office documents (issue 14): converted to PDF through LibreOfficeKit and read as a PDF (a
# page viewer); without LibreOffice, or when the conversion fails, kept as they are (a
# document offered as a download) with a warning saying why. The converting half runs only
# where LibreOffice and its Writer are installed (skipped otherwise).
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR" "$WORK/in" "$WORK/no-office"
pack() { "$PANYA" pack "$@" --cache "$WORK/cache"; }
python3 "$here/make_odt.py" "$WORK/in/rain.odt" || fail "make_odt.py"

# No office: the document kept as it is, with a note.
PANYA_OFFICE_DIR=$WORK/no-office expect_exit 0 pack "$WORK/in/rain.odt" -o "$WORK/a.panya"
expect_in "$WORK/out" "read as office: a .odt file (an office document)"
expect_in "$WORK/err" "rain.odt: kept as it is, not converted to PDF:"
"$PANYA" inspect --manifest "$WORK/a.panya" | grep -o '<item [^>]*>' >"$WORK/items"
expect_in "$WORK/items" 'kind="document" path="rain/rain.odt"'
expect_exit 0 "$PANYA" extract "$WORK/a.panya" "$WORK/xa"
cmp -s "$WORK/in/rain.odt" "$WORK/xa/rain/rain.odt" || fail "the kept document changed"

office=/usr/lib/libreoffice/program
if [ ! -e "$office/libswlo.so" ]; then
    echo "LibreOffice Writer not installed: the converting half is skipped"
    finish
fi
expect_exit 0 pack "$WORK/in/rain.odt" -o "$WORK/c.panya"
"$PANYA" inspect --manifest "$WORK/c.panya" >"$WORK/c.xml"
grep -o '<item [^>]*>' "$WORK/c.xml" >"$WORK/items"
expect_in "$WORK/items" 'kind="pdf" path="rain" launch="rain/index.html"'
expect_exit 0 "$PANYA" extract "$WORK/c.panya" "$WORK/xc"
python3 "$here/check_references.py" "$WORK/xc" "$WORK/c.xml" >"$WORK/refs" || fail "$(cat "$WORK/refs")"
expect_in "$WORK/xc/rain/index.html" "Rain falls from clouds."
# A deck the converter cannot read: kept as it is, with the office's reason.
printf 'PK\003\004 not really a deck' >"$WORK/in/broken.pptx"
expect_exit 0 pack "$WORK/in/broken.pptx" -o "$WORK/b.panya"
expect_in "$WORK/err" "broken.pptx: kept as it is, not converted to PDF: LibreOffice cannot open it"
finish
