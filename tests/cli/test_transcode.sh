#!/bin/bash
# panya transcode: each media kind through the built-in profiles, checked with ffprobe;
# usage errors, broken inputs and unwritable outputs.
set -u
: "${PANYA:?}"
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null ||
    { echo "SKIP: ffmpeg/ffprobe binaries not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

expect() {
    local code=$1 pattern=$2
    shift 2
    local out rc
    out=$("$PANYA" "$@" 2>&1)
    rc=$?
    [ "$rc" -eq "$code" ] || fail "panya $* exited $rc, wanted $code: $out"
    grep -qE -- "$pattern" <<<"$out" || fail "panya $* did not print /$pattern/: $out"
}

probe_field() { # FILE STREAM ENTRY
    ffprobe -v error -select_streams "$2" -show_entries "stream=$3" -of default=nw=1:nk=1 "$1"
}

ffmpeg -v error -f lavfi -i testsrc2=size=480x270:rate=25:duration=2 \
    -f lavfi -i sine=frequency=440:sample_rate=48000:duration=2 \
    -c:v libx264 -preset ultrafast -c:a aac -ac 2 -y "$tmp/lesson.mp4"
ffmpeg -v error -f lavfi -i testsrc2=size=1600x1200 -frames:v 1 -y "$tmp/photo.png"
ffmpeg -v error -f lavfi -i sine=duration=2 -c:a libmp3lame -y "$tmp/talk.mp3"
ffmpeg -v error -f lavfi -i "testsrc2=size=640x360:rate=25:duration=2,noise=alls=90:allf=t+u" \
    -c:v libx264 -preset ultrafast -y "$tmp/noisy.mp4"

# Video: pack keeps original paths, so the output name need not say MP4.
mkdir -p "$tmp/out"
expect 0 'video/mp4; codecs="avc1\.4D40..,mp4a\.40\.2"' \
    transcode "$tmp/lesson.mp4" --profile small -o "$tmp/out/lesson.mp4"
expect 0 'ssim640: 0\.9[0-9]+ \(target 0\.95' \
    transcode "$tmp/lesson.mp4" --profile small -o "$tmp/out/lesson.mp4"
expect 0 'ssim640: 0\.[0-8][0-9]+ \(target 0\.95: below target at the ceiling\); crf [0-9]+' \
    transcode "$tmp/noisy.mp4" --profile small -o "$tmp/out/noisy.mp4"
[ "$(probe_field "$tmp/out/lesson.mp4" v:0 codec_name)" = h264 ] || fail "small is not H.264"
[ "$(probe_field "$tmp/out/lesson.mp4" v:0 pix_fmt)" = yuv420p ] || fail "small is not yuv420p"
[ "$(probe_field "$tmp/out/lesson.mp4" a:0 channels)" = 1 ] || fail "small audio is not mono"
# faststart: the moov box comes before mdat.
head -c 4096 "$tmp/out/lesson.mp4" | grep -q moov || fail "small output is not faststart"
expect 0 'avc1\.42C0' transcode "$tmp/lesson.mp4" --profile low -o "$tmp/out/low.bin" --no-ssim
[ "$(probe_field "$tmp/out/low.bin" v:0 height)" = 240 ] || fail "low is not 240 lines high"

# Image: WebP bytes under the original .png name.
expect 0 'image/webp' transcode "$tmp/photo.png" --profile small -o "$tmp/out/photo.png"
head -c 12 "$tmp/out/photo.png" | grep -q WEBP || fail "photo.png output is not WebP"
expect 0 'picture: 1280x960' transcode "$tmp/photo.png" --profile small -o "$tmp/out/p2.webp"

# Audio.
expect 0 'audio/ogg; codecs="opus"' transcode "$tmp/talk.mp3" --profile small -o "$tmp/out/talk.mp3"
expect 0 'audio/mp4; codecs="mp4a\.40\.2"' transcode "$tmp/talk.mp3" --profile low -o "$tmp/out/t.m4a"

# Usage errors.
expect 2 "no profile 'huge'; the profiles are: small low modern" \
    transcode "$tmp/talk.mp3" --profile huge -o "$tmp/out/x"
expect 2 '-o OUT is required' transcode "$tmp/talk.mp3" --profile small
expect 2 'profile NAME is required' transcode "$tmp/talk.mp3" -o "$tmp/out/x"
expect 2 'exactly one input' transcode --profile small -o "$tmp/out/x"
expect 2 'threads' transcode "$tmp/talk.mp3" --profile small -o "$tmp/out/x" --threads 0

# Broken inputs: a clear error naming the file, nothing left behind.
mkdir "$tmp/broken"
: >"$tmp/broken/empty.mp4"
echo "plain text" >"$tmp/broken/notes.png"
head -c 3000 "$tmp/lesson.mp4" >"$tmp/broken/cut.mp4"
expect 1 'empty.mp4: empty file' transcode "$tmp/broken/empty.mp4" --profile small -o "$tmp/broken/o1"
expect 1 'notes.png: not a media file' transcode "$tmp/broken/notes.png" --profile small -o "$tmp/broken/o2"
expect 1 'cut.mp4' transcode "$tmp/broken/cut.mp4" --profile small -o "$tmp/broken/o3"
expect 2 'missing.mp4' transcode "$tmp/broken/missing.mp4" --profile small -o "$tmp/broken/o4"
leftovers=$(find "$tmp/broken" -name 'o*' -o -name '.*tmp*' | wc -l)
[ "$leftovers" -eq 0 ] || fail "failed transcodes left files behind"

# Output that cannot be written.
mkdir "$tmp/readonly"
chmod a-w "$tmp/readonly"
if [ "$(id -u)" -ne 0 ]; then
    expect 3 'readonly/x.mp4: cannot create output' \
        transcode "$tmp/talk.mp3" --profile small -o "$tmp/readonly/x.mp4"
fi
expect 2 'there is no folder' transcode "$tmp/talk.mp3" --profile small -o "$tmp/nowhere/x.ogg"

# A user's profile file.
sed 's/name="small" version="[0-9]*"/name="tiny" version="7"/; s/max-side="1280"/max-side="200"/' \
    "$PANYA_SOURCE_ROOT/codecs/profiles.xml" >"$tmp/mine.xml"
expect 0 'picture: 200x150' transcode "$tmp/photo.png" --profiles "$tmp/mine.xml" \
    --profile tiny -o "$tmp/out/tiny.webp"
printf '<profiles>\n<profile name="x" version="1">\n' >"$tmp/bad.xml"
expect 1 'bad.xml:[0-9]+: not well-formed' transcode "$tmp/photo.png" --profiles "$tmp/bad.xml" \
    --profile x -o "$tmp/out/x.webp"

# Real media, when ../shared/corpus is there: frog.webm's Vorbis timestamps step back at
# the start, which once made the Opus track unmuxable.
# Sparse keyframes (one every 8.3 s in a 12 s clip, as x264's default GOP of 250 gives at
# 30 fps): the targeting's sample pass seeks backward past windows it already sampled and must
# not seek for them again (it looped forever on the demo's videos).
ffmpeg -v error -f lavfi -i testsrc2=size=1280x720:rate=30:duration=12 -c:v libx264 -g 250 \
    -pix_fmt yuv420p -y "$tmp/sparse-keys.mp4"
timeout 300 "$PANYA" transcode "$tmp/sparse-keys.mp4" --profile small -o "$tmp/sparse.mp4" \
    --no-ssim >/dev/null || fail "transcode of a clip with sparse keyframes did not finish"

# Speech and music (docs/PROFILES.md): narration gets the speech rate, music keeps the
# profile's; transcode says which, pack sums it up and its report records it per variant,
# from the cache too.
ffmpeg -v error -f lavfi -i "aevalsrc=exprs='0.2*(sin(2*PI*220*t)+sin(2*PI*277.2*t)+sin(2*PI*329.6*t))*(0.7+0.3*abs(sin(PI*2*t)))':s=44100:d=8" \
    -c:a libmp3lame -y "$tmp/song.mp3"
expect 0 'sound: music, 24 kb/s' transcode "$tmp/song.mp3" --profile small -o "$tmp/out/song.ogg"
if command -v espeak-ng >/dev/null; then
    mkdir -p "$tmp/sounds"
    cp "$tmp/song.mp3" "$tmp/sounds/"
    espeak-ng -v en -s 150 -w "$tmp/narration.wav" "Boil the water for one full minute. Let it cool, then \
pour it into a clean container with a lid. Wash your hands before you touch the water."
    ffmpeg -v error -i "$tmp/narration.wav" -c:a libmp3lame -b:a 64k -y "$tmp/sounds/narration.mp3"
    expect 0 'sound: speech, 16 kb/s \(low-energy frames 0\.[3-9]' \
        transcode "$tmp/sounds/narration.mp3" --profile small -o "$tmp/out/narration.ogg"
    "$PANYA" transcode "$tmp/sounds/narration.mp3" --profile small --json -o "$tmp/out/n.ogg" |
        grep -q '"audio_content": "speech"' || fail "transcode --json does not say speech"
    for run in cold warm; do
        out=$("$PANYA" pack "$tmp/sounds" -o "$tmp/sounds-$run.panya" --profiles small,low \
            --cache "$tmp/cache" --report "$tmp/$run.json" 2>&1) || fail "pack ($run): $out"
        grep -q 'sound: 1 speech (at the speech rate), 1 music' <<<"$out" ||
            fail "pack ($run) does not sum up the sound: $out"
        python3 - "$tmp/$run.json" "$run" <<'PY' || fail "pack report ($run) lacks the sound classes"
import json, sys
report = json.load(open(sys.argv[1]))
classes = {i["path"]: {v["audio_content"] for v in i["variants"]} for i in report["items"]}
assert classes == {"narration.mp3": {"speech"}, "song.mp3": {"music"}}, classes
assert report["cache_hits"] == (4 if sys.argv[2] == "warm" else 0), report["cache_hits"]
PY
    done
else
    echo "note: espeak-ng absent, speech part skipped"
fi

corpus=${PANYA_SHARED:-}/corpus/media
if [ -f "$corpus/frog.webm" ]; then
    expect 0 'av01\.0\.[0-9]+M\.08,opus' transcode "$corpus/frog.webm" --profile modern --no-ssim \
        -o "$tmp/out/frog.webm"
    [ "$(probe_field "$tmp/out/frog.webm" a:0 codec_name)" = opus ] || fail "frog has no Opus track"
else
    echo "note: $corpus absent, corpus part skipped"
fi

[ "$failures" -eq 0 ] || exit 1
echo "ok"
