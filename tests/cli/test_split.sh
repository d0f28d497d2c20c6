#!/bin/bash
# pack --split: parts of whole lessons, each a valid bundle with its own manifest, none
# bigger than the limit; a lesson bigger than the limit is an error naming it.
. "$(dirname "$0")/lib.sh"

course="$WORK/export/ວິຊາ"
mkdir -p "$course"
for i in 1 2 3 4 5; do
    head -c 300000 /dev/urandom >"$course/$i ບົດ $i.pdf"
done
limit=$((700 * 1024))
expect_exit 0 "$PANYA" pack "$WORK/export" -o "$WORK/course.panya" --split 700K
expect_in "$WORK/out" "part 3 of 3"
[ -e "$WORK/course.panya" ] && fail "a split pack also wrote the whole bundle"
lessons=""
for part in 1 2 3; do
    f="$WORK/course.$part.panya"
    [ -e "$f" ] || { fail "part $part missing"; continue; }
    [ "$(stat -c %s "$f")" -le "$limit" ] || fail "part $part is over the limit"
    expect_exit 0 "$PANYA" verify "$f"
    python3 - "$f" "$part" <<'PY' || fail "part $part footer"
import struct, sys
data = open(sys.argv[1], "rb").read()
footer = data[-320:]
flags = struct.unpack_from("<I", footer, 12)[0]
number, count = struct.unpack_from("<II", footer, 96)
assert flags & 2 and number == int(sys.argv[2]) and count == 3, (flags, number, count)
PY
    "$PANYA" inspect --manifest "$f" >"$WORK/m$part.xml"
    lessons="$lessons $(grep -o '<lesson id="[^"]*"' "$WORK/m$part.xml" | tr '\n' ' ')"
done
# Every lesson is in exactly one part, whole.
[ "$(echo "$lessons" | grep -o 'lesson id' | wc -l)" = 5 ] || fail "lessons across parts: $lessons"
[ "$(echo "$lessons" | tr ' ' '\n' | grep id= | sort | uniq -d)" = "" ] || fail "a lesson is in two parts"
"$PANYA" cat "$WORK/course.3.panya" "ວິຊາ/5 ບົດ 5.pdf" | cmp -s - "$course/5 ບົດ 5.pdf" ||
    fail "the last lesson is not in the last part"

# Everything fits: one ordinary bundle.
expect_exit 0 "$PANYA" pack "$WORK/export" -o "$WORK/whole.panya" --split 4G
[ -e "$WORK/whole.panya" ] || fail "--split with room for all should write one bundle"
# A lesson bigger than a part.
head -c 900000 /dev/urandom >"$course/6 big.pdf"
expect_exit 2 "$PANYA" pack "$WORK/export" -o "$WORK/too.panya" --split 700K
expect_in "$WORK/err" "6 big"
expect_exit 2 "$PANYA" pack "$WORK/export" -o "$WORK/x.panya" --split 12Q

finish
