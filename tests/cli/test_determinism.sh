#!/bin/bash
# The same input and options give the same bytes (docs/FORMAT.md, Determinism; review item
# 7): `panya transcode` twice with different --threads, and `panya pack` with different
# --threads and a cold or a warm transcode cache, give byte-identical outputs.
. "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg (used to make the test media) is missing"; exit 77; }

src=$WORK/lessons/course
mkdir -p "$src"
ffmpeg -v error -f lavfi -i testsrc2=size=480x270:rate=25:duration=2 \
    -f lavfi -i sine=frequency=440:sample_rate=48000:duration=2 \
    -c:v libx264 -preset ultrafast -c:a aac -y "$src/1 lesson.mp4"
ffmpeg -v error -f lavfi -i "sine=frequency=330:duration=2" -c:a aac -y "$src/2 song.m4a"
ffmpeg -v error -f lavfi -i "sine=frequency=550:duration=2" -c:a libmp3lame -y "$src/3 talk.mp3"
ffmpeg -v error -f lavfi -i testsrc2=size=320x240 -frames:v 1 -y "$src/4 picture.png"
# Loud moving noise: below the quality target at the ceiling (reported, and reproducible).
ffmpeg -v error -f lavfi -i "testsrc2=size=640x360:rate=25:duration=2,noise=alls=90:allf=t+u" \
    -c:v libx264 -preset ultrafast -y "$src/5 noisy.mp4"

# transcode: video (H.264, AV1) and audio (Ogg Opus, MP4 AAC), once per --threads value
# (AV1 is covered here; the packs below use the default small and low).
for profile in small low modern; do
    for input in "1 lesson.mp4" "3 talk.mp3"; do
        for threads in 1 2; do
            expect_exit 0 "$PANYA" transcode "$src/$input" --profile "$profile" --threads "$threads" \
                --no-ssim -o "$WORK/t$threads"
        done
        cmp -s "$WORK/t1" "$WORK/t2" || fail "transcode '$input' --profile $profile differs with --threads 1 and 2"
    done
done

# pack: cold caches with one and two threads, then a warm cache.
expect_exit 0 "$PANYA" pack "$WORK/lessons" -o "$WORK/a.panya" --cache "$WORK/cache-a" --threads 1 \
    --report "$WORK/a.json"
expect_in "$WORK/out" "below target at the ceiling: course/5 noisy.mp4 (small: ssim640 0."
python3 - "$WORK/a.json" <<'PY' || fail "the pack report does not record the clip below its target"
import json, sys
items = {i["path"]: i for i in json.load(open(sys.argv[1]))["items"]}
noisy = {v["profile"]: v for v in items["course/5 noisy.mp4"]["variants"]}
assert noisy["small"]["below_target"] is True and noisy["small"]["target_ssim640"] == 0.95, noisy
assert 0 < noisy["small"]["ssim"] < 0.95, noisy
lesson = {v["profile"]: v for v in items["course/1 lesson.mp4"]["variants"]}
assert lesson["small"]["below_target"] is False and lesson["small"]["ssim"] >= 0.95, lesson
PY
expect_exit 0 "$PANYA" pack "$WORK/lessons" -o "$WORK/b.panya" --cache "$WORK/cache-b" --threads 2 -q
expect_exit 0 "$PANYA" pack "$WORK/lessons" -o "$WORK/c.panya" --cache "$WORK/cache-a" --threads 2
expect_in "$WORK/out" "below target at the ceiling: course/5 noisy.mp4 (small: ssim640 0."  # from the cache
cmp -s "$WORK/a.panya" "$WORK/b.panya" || fail "pack --threads 1 and --threads 2 (cold caches) differ"
cmp -s "$WORK/a.panya" "$WORK/c.panya" || fail "pack with a cold and a warm cache differ"
finish
