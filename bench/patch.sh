#!/bin/bash
# Update size: `panya diff` patch against the full new bundle and against
# `zstd --patch-from=OLD NEW` (default level, and -19 --long) on the same pair, for a few
# kinds of update. Prints bytes and ratios.
#   bench/patch.sh   (PANYA defaults to build/panya)
set -eu
cd "$(dirname "$0")/.."
panya=${PANYA:-build/panya}
[ -x "$panya" ] || { echo "build panya first (ninja -C build)" >&2; exit 2; }
out=bench/out/patch
rm -rf "$out"
mkdir -p "$out"

# Version 1: 30 media files of 1 MB and 40 HTML pages.
make_v1() {
    mkdir -p "$1/media"
    for i in $(seq 1 30); do head -c 1000000 /dev/urandom >"$1/media/clip$i.mp4"; done
    for i in $(seq 1 40); do
        seq 1 800 | sed "s/^/<p>Lesson $i, paragraph /; s/$/: text that changes little.<\/p>/" \
            >"$1/page$i.html"
    done
}

measure() {
    local name=$1 old=$2 new=$3
    "$panya" pack "$old" -o "$out/$name-old.panya" -q --id course --profile source --source folder
    "$panya" pack "$new" -o "$out/$name-new.panya" -q --id course --pack-version 2 --profile source --source folder
    "$panya" diff "$out/$name-old.panya" "$out/$name-new.panya" -o "$out/$name.patch" -q
    "$panya" patch "$out/$name-old.panya" "$out/$name.patch" -o "$out/$name-rebuilt.panya" -q
    cmp -s "$out/$name-new.panya" "$out/$name-rebuilt.panya" || { echo "mismatch" >&2; exit 1; }
    zstd -q -f --patch-from="$out/$name-old.panya" "$out/$name-new.panya" -o "$out/$name.zst" \
        2>/dev/null
    zstd -q -f -19 --long=31 --patch-from="$out/$name-old.panya" "$out/$name-new.panya" \
        -o "$out/$name.19.zst" 2>/dev/null
    local full patch z z19
    full=$(stat -c %s "$out/$name-new.panya")
    patch=$(stat -c %s "$out/$name.patch")
    z=$(stat -c %s "$out/$name.zst")
    z19=$(stat -c %s "$out/$name.19.zst")
    awk -v n="$name" -v f="$full" -v p="$patch" -v z="$z" -v z19="$z19" 'BEGIN {
        printf "%-22s new %9d B | panya patch %8d B (%5.1f%% of new) | zstd --patch-from %8d B" \
               " (panya/zstd %.2f) | zstd -19 --long %8d B (panya/zstd %.2f)\n",
               n, f, p, 100 * p / f, z, p / z, z19, p / z19 }'
}

make_v1 "$out/v1"

cp -r "$out/v1" "$out/media"
for i in 3 17; do head -c 1000000 /dev/urandom >"$out/media/media/clip$i.mp4"; done
head -c 2000000 /dev/urandom >"$out/media/media/new.mp4"
measure "2 media changed, 1 new" "$out/v1" "$out/media"

cp -r "$out/v1" "$out/text"
for i in 5 6 7; do echo "<p>Corrected paragraph.</p>" >>"$out/text/page$i.html"; done
measure "3 pages edited" "$out/v1" "$out/text"

cp -r "$out/v1" "$out/lesson"
mkdir -p "$out/lesson/new-lesson"
for i in 1 2; do head -c 1500000 /dev/urandom >"$out/lesson/new-lesson/video$i.mp4"; done
seq 1 500 | sed 's/^/<p>New lesson /' >"$out/lesson/new-lesson/index.html"
measure "1 lesson added" "$out/v1" "$out/lesson"
