#!/bin/bash
# A bundle written by format 1.0 (tests/data/format-1.0.panya, made before format 1.1) still
# opens, verifies, and extracts file for file identically; cat and inspect read it.
. "$(dirname "$0")/lib.sh"

data=${PANYA_SOURCE_ROOT:?}/tests/data
bundle=$data/format-1.0.panya

expect_exit 0 "$PANYA" verify "$bundle"
expect_exit 0 "$PANYA" inspect "$bundle"
expect_in "$WORK/out" "format 1.0"
expect_in "$WORK/out" "format-1.0-fixture, version 3"

expect_exit 0 "$PANYA" extract "$bundle" "$WORK/out-dir"
(cd "$WORK/out-dir" && find . -type d -empty | LC_ALL=C sort | sed 's|^\./|folder |' &&
    find . -type f | LC_ALL=C sort | xargs -d '\n' sha256sum | sed 's|  \./|  |') >"$WORK/got"
grep -v '^#' "$data/format-1.0.files" >"$WORK/want"
diff "$WORK/want" "$WORK/got" >&2 || fail "extracted files differ from tests/data/format-1.0.files"

# cat gives each file's bytes, by path (through the 1.0 path table).
while read -r hash path; do
    [ "$hash" = folder ] && continue
    expect_exit 0 "$PANYA" cat "$bundle" "$path"
    got=$(sha256sum <"$WORK/out" | cut -d' ' -f1)
    [ "$got" = "$hash" ] || fail "cat $path: sha256 $got, wanted $hash"
done <"$WORK/want"
expect_exit 2 "$PANYA" cat "$bundle" no/such/file.html
expect_in "$WORK/err" "no file 'no/such/file.html'"

finish
