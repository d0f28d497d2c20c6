#!/bin/bash
# Copy throughput to a FAT32 card image (mounted with fusefat): `panya copy` (write, fsync,
# read back every byte with the page cache dropped, check every object, rename, catalogue)
# against `cp` followed by `sync` (no read-back), same bundle, same image, in one run.
# Target: panya ≤ 2.2x the time of cp + sync.
#   bench/copy.sh [SIZE_MB (default 200)] [RUNS (default 3)]
# Needs root-less FUSE (/dev/fuse), fusefat and mkfs.vfat; PANYA (default build/panya).
set -eu
cd "$(dirname "$0")/.."
size_mb=${1:-200}
runs=${2:-3}
panya=${PANYA:-build/panya}
[ -x "$panya" ] || { echo "build panya first (ninja -C build)" >&2; exit 2; }
out=bench/out/copy
rm -rf "$out"
mkdir -p "$out/src/media" "$out/card"
trap 'fusermount -u "$out/card" 2>/dev/null || true' EXIT

# A pack like a real one: mostly raw media, some text.
for i in $(seq 1 $((size_mb / 10))); do
    head -c $((10 * 1024 * 1024)) /dev/urandom >"$out/src/media/clip$i.mp4"
done
for i in $(seq 1 50); do seq 1 2000 | sed "s/^/lesson $i line /" >"$out/src/page$i.html"; done
"$panya" pack "$out/src" -o "$out/pack.panya" -q --level 3 --profile source --source folder
bytes=$(stat -c %s "$out/pack.panya")
cat "$out/pack.panya" >/dev/null # both start with the source in the page cache

truncate -s $((size_mb * 2 + 64))M "$out/card.img"
mkfs.vfat -F 32 "$out/card.img" >/dev/null
fusefat -o rw+ "$out/card.img" "$out/card" >/dev/null 2>&1

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
cp_total=0
panya_total=0
for run in $(seq 1 "$runs"); do
    rm -f "$out/card/"*.panya "$out/card/panya-catalogue.xml"
    sync
    t0=$(now)
    cp "$out/pack.panya" "$out/card/pack.panya"
    sync
    t1=$(now)
    rm -f "$out/card/pack.panya"
    sync
    t2=$(now)
    "$panya" copy -q "$out/pack.panya" "$out/card"
    t3=$(now)
    cmp -s "$out/pack.panya" "$out/card/pack.panya" || { echo "copy differs" >&2; exit 1; }
    cp_s=$(calc "$t1 - $t0")
    panya_s=$(calc "$t3 - $t2")
    printf 'run %d: cp+sync %.2f s, panya copy %.2f s, ratio %.2f\n' "$run" "$cp_s" "$panya_s" \
        "$(calc "$panya_s / $cp_s")"
    cp_total=$(calc "$cp_total + $cp_s")
    panya_total=$(calc "$panya_total + $panya_s")
done
printf 'bundle %d bytes on FAT32 (fusefat), %d runs\n' "$bytes" "$runs"
printf 'cp+sync:    %.2f s mean, %.1f MB/s\n' "$(calc "$cp_total / $runs")" \
    "$(calc "$bytes * $runs / $cp_total / 1000000")"
printf 'panya copy: %.2f s mean, %.1f MB/s (with read-back and object check)\n' \
    "$(calc "$panya_total / $runs")" \
    "$(calc "$bytes * $runs / $panya_total / 1000000")"
printf 'ratio panya/cp: %.2f (target <= 2.2)\n' "$(calc "$panya_total / $cp_total")"
