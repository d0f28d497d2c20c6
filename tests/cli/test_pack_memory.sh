#!/bin/bash
# Pack memory does not grow with the input (review finding 9): 160 MB of compressible text
# used to be held in memory as compressed frames until the bundle was written (over 150 MB
# peak); now frames wait in a temporary file and large objects are streamed. Peak memory is
# not a timing: it is the same on a slow machine. Skipped under the sanitizers (their
# shadow memory is counted too).
source "$(dirname "$0")/sideload_lib.sh"
if grep -q __asan_init "$PANYA" 2>/dev/null; then
    echo "SKIP: sanitizer build" >&2
    exit 77
fi
command -v /usr/bin/time >/dev/null || { echo "SKIP: no /usr/bin/time" >&2; exit 77; }
mkdir -p text/course
for i in 1 2 3 4; do
    head -c 30M /dev/urandom | base64 -w 100 >"text/course/$i part.txt"   # 40 MB each
done
head -c 24M /dev/urandom >"text/course/5 blob.bin"
/usr/bin/time -f %M -o rss "$PANYA" pack text -o t.panya --profile source --source folder \
    --level 1 -q || fail "pack failed"
kb=$(cat rss)
echo "peak RSS: $kb KB"
[ "$kb" -lt 100000 ] || fail "pack of 184 MB took $kb KB of memory (limit 100 MB)"
expect_exit 0 "$PANYA" verify t.panya
expect_exit 0 "$PANYA" extract t.panya x -q
for f in text/course/*; do
    cmp -s "$f" "x/course/$(basename "$f")" || fail "$f did not round-trip"
done
echo "pack memory: OK"
