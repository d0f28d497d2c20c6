#!/bin/bash
# panya probe on media made here with ffmpeg, on broken files, and (if present) the corpus.
set -u
: "${PANYA:?}"
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg binary not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE PATTERN ARGS...: runs panya, checks the exit code and that PATTERN is printed.
expect() {
    local code=$1 pattern=$2
    shift 2
    local out rc
    out=$("$PANYA" "$@" 2>&1)
    rc=$?
    [ "$rc" -eq "$code" ] || fail "panya $* exited $rc, wanted $code: $out"
    grep -qE -- "$pattern" <<<"$out" || fail "panya $* did not print /$pattern/: $out"
}

ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25:duration=1 \
    -f lavfi -i sine=frequency=440:sample_rate=44100:duration=1 \
    -c:v libx264 -preset ultrafast -c:a aac -y "$tmp/clip.mp4"
ffmpeg -v error -f lavfi -i testsrc2=size=64x48 -frames:v 1 -y "$tmp/pic.png"
ffmpeg -v error -f lavfi -i sine=duration=1 -c:a libmp3lame -y "$tmp/talk.mp3"
: >"$tmp/empty.mp4"
echo "not media" >"$tmp/notes.mp4"
echo "not media either" >"$tmp/notes.png"
head -c 2000 "$tmp/clip.mp4" >"$tmp/cut.mp4"

expect 0 'clip.mp4: video' probe "$tmp/clip.mp4"
expect 0 'video: h264 .*320x240 yuv420p 25 fps' probe "$tmp/clip.mp4"
expect 0 'audio: aac 1 ch 44100 Hz' probe "$tmp/clip.mp4"
expect 0 'duration: 1\.0' probe "$tmp/clip.mp4"
expect 0 'bitrate: [0-9]+ kb/s' probe "$tmp/clip.mp4"
expect 0 'pic.png: image' probe "$tmp/pic.png"
expect 0 'talk.mp3: audio' probe "$tmp/talk.mp3"
expect 1 'empty.mp4: empty file' probe "$tmp/empty.mp4"
expect 1 'notes.mp4: not a media file' probe "$tmp/notes.mp4"
expect 1 'notes.png: not a media file' probe "$tmp/notes.png"
expect 1 'cut.mp4' probe "$tmp/cut.mp4"
expect 2 'missing.mp4: cannot open' probe "$tmp/missing.mp4"
expect 2 'no file given' probe
# Several files: each is described, the worst status wins.
expect 1 'pic.png: image' probe "$tmp/pic.png" "$tmp/empty.mp4"

corpus=${PANYA_SHARED:-}/corpus/media
if [ -d "$corpus" ]; then
    for f in "$corpus"/*.mp4 "$corpus"/*.webm "$corpus"/*.mp3 "$corpus"/*.jpg "$corpus"/*.png; do
        "$PANYA" probe "$f" >/dev/null || fail "corpus file $f does not probe"
    done
else
    echo "note: $corpus absent, corpus part skipped"
fi

[ "$failures" -eq 0 ] || exit 1
echo "ok"
