#!/bin/bash
# Damaged and truncated media (review items 8 and 22): a file that decodes to much less
# than its container states, or with decoder errors mid-stream, is an error naming the
# file (exit 1), not a shorter lesson; `pack --keep-going` drops it and lists it. PNGs that
# are cut off, fail their CRC or are too large say so, in `probe` as in `transcode`.
. "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg (used to make the test media) is missing"; exit 77; }

m=$WORK/media
mkdir -p "$m"
video() { ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25:duration=4 \
    -f lavfi -i sine=frequency=440:duration=4 "$@"; }
video -c:v libx264 -preset ultrafast -c:a aac -movflags +faststart -y "$m/clip.mp4"
video -c:v libvpx -b:v 300k -c:a libopus -y "$m/clip.webm"
ffmpeg -v error -f lavfi -i sine=duration=4 -c:a libmp3lame -y "$m/talk.mp3"
ffmpeg -v error -f lavfi -i sine=duration=4 -c:a aac -movflags +faststart -y "$m/song.m4a"
ffmpeg -v error -f lavfi -i testsrc2=size=320x240 -frames:v 1 -y "$m/pic.png"

# cut FILE PERCENT: the first PERCENT% of FILE as cut-FILE.
cut() { head -c $(($(stat -c %s "$m/$1") * $2 / 100)) "$m/$1" >"$m/cut-$1"; }
for f in clip.mp4 clip.webm talk.mp3 song.m4a pic.png; do cut "$f" 50; done

for f in clip.mp4 clip.webm talk.mp3 song.m4a; do
    expect_exit 0 "$PANYA" transcode "$m/$f" --profile low --no-ssim -o "$WORK/ok.out"
    expect_exit 1 "$PANYA" transcode "$m/cut-$f" --profile low --no-ssim -o "$WORK/cut.out"
    expect_in "$WORK/err" "cut-$f: "
    grep -qE 'truncated|damaged' "$WORK/err" || fail "cut-$f: no 'truncated' or 'damaged' in: $(cat "$WORK/err")"
    [ -e "$WORK/cut.out" ] && fail "cut-$f left an output behind"
done
# Where the container says how long it is, the message says how much decodes.
expect_exit 1 "$PANYA" transcode "$m/cut-clip.webm" --profile small --no-ssim -o "$WORK/cut.out"
grep -qE 'decodes to [0-9.]+ s of the 4\.[0-9]+ s its container states' "$WORK/err" ||
    fail "truncated WebM message: $(cat "$WORK/err")"
# MP4 and M4A index every sample: probe finds the cut without decoding.
expect_exit 1 "$PANYA" probe "$m/cut-clip.mp4"
expect_in "$WORK/err" "cut-clip.mp4: truncated media"
expect_exit 1 "$PANYA" probe "$m/cut-song.m4a"
expect_in "$WORK/err" "cut-song.m4a: truncated media"

# Bytes damaged mid-stream (video only, so the picture decoder is what notices).
ffmpeg -v error -i "$m/clip.mp4" -an -c copy -y "$m/flip.mp4"
python3 - "$m/flip.mp4" <<'PY'
import os, random, sys
random.seed(7)
data = bytearray(open(sys.argv[1], "rb").read())
for _ in range(200):
    data[random.randrange(len(data) // 3, len(data) * 2 // 3)] ^= 0x55
open(sys.argv[1], "wb").write(data)
PY
expect_exit 1 "$PANYA" transcode "$m/flip.mp4" --profile small --no-ssim -o "$WORK/flip.out"
expect_in "$WORK/err" "flip.mp4: damaged media"

# PNG: cut off, a flipped bit (CRC), and a header too large to decode.
cp "$m/pic.png" "$m/flip.png"
flip_byte "$m/flip.png" -40
python3 - "$m/huge.png" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
for cmd in probe transcode; do
    args=()
    [ "$cmd" = transcode ] && args=(--profile small -o "$WORK/pic.webp")
    expect_exit 1 "$PANYA" "$cmd" "$m/cut-pic.png" "${args[@]}"
    expect_in "$WORK/err" "cut-pic.png: truncated PNG"
    expect_exit 1 "$PANYA" "$cmd" "$m/flip.png" "${args[@]}"
    expect_in "$WORK/err" "flip.png: damaged PNG"
    expect_exit 1 "$PANYA" "$cmd" "$m/huge.png" "${args[@]}"
    expect_in "$WORK/err" "huge.png: picture too large (20000x20000; limit 40 megapixels)"
done

# pack: the damaged lesson fails the pack, or is dropped and listed under --keep-going (exit 6).
course=$WORK/lessons/course
mkdir -p "$course"
cp "$m/clip.mp4" "$course/1 whole.mp4"
cp "$m/cut-clip.webm" "$course/2 cut.webm"
expect_exit 1 "$PANYA" pack "$WORK/lessons" -o "$WORK/l.panya" --cache "$WORK/cache" -q
expect_in "$WORK/err" "2 cut.webm"
[ -e "$WORK/l.panya" ] && fail "a failed pack left a bundle"
expect_exit 6 "$PANYA" pack "$WORK/lessons" -o "$WORK/l.panya" --cache "$WORK/cache" \
    --keep-going --report "$WORK/l.json"
expect_in "$WORK/out" "skipped:"
expect_in "$WORK/out" "2 cut.webm"
python3 - "$WORK/l.json" <<'PY' || fail "the pack report does not list the damaged file"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["skipped"]) == 1 and "2 cut.webm" in json.dumps(d["skipped"], ensure_ascii=False), d["skipped"]
PY
"$PANYA" inspect --manifest "$WORK/l.panya" >"$WORK/l.xml"
grep -q '2 cut' "$WORK/l.xml" && fail "the damaged lesson is in the bundle"
grep -q '1 whole' "$WORK/l.xml" || fail "the whole lesson is missing"
finish
