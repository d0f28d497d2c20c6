#!/bin/bash
# panya pack on the demo course: KPL courses with Lao titles, a SCORM 2004 package, zipped HTML
# and SCORM 1.2 lessons. Checks variants per profile, untouched package text, broken lessons
# (fail, or skipped under --keep-going), the transcode cache and incremental repacks.
. "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null || { echo "ffmpeg (used to make the sample media) is missing"; exit 77; }

samples=$WORK/samples
cp -r "$PANYA_SOURCE_ROOT/samples" "$samples"
find "$samples" \( -name '*.mp4' -o -name '*.m4a' -o -name '*.zip' -o -name 'water-cycle.png' \) -delete
PANYA_SAMPLES_QUICK=1 bash "$PANYA_SOURCE_ROOT/scripts/make-samples" "$samples" >/dev/null || fail "make-samples"
schemas=()
[ -d "$PANYA_SHARED/schemas" ] && schemas=(--schemas "$PANYA_SHARED/schemas")
cache=$WORK/cache
pack() { "$PANYA" pack "$@" --cache "$cache" "${schemas[@]}"; }

# Cold pack of the samples.
expect_exit 0 pack "$samples" -o "$WORK/samples.panya" --report "$WORK/cold.json"
expect_in "$WORK/out" "3 courses, 7 lessons"
expect_in "$WORK/out" "profile small"
expect_exit 0 "$PANYA" verify "$WORK/samples.panya"
# Each package item names the page a player opens first: the SCORM package's first SCO.
"$PANYA" inspect --manifest "$WORK/samples.panya" >"$WORK/samples.xml"
grep -q 'kind="scorm"[^>]*launch="scorm2004-water-cycle/evaporation.html"' "$WORK/samples.xml" ||
    fail "the SCORM item's launch is not its first SCO's page: $(grep 'kind="scorm"' "$WORK/samples.xml")"
expect_exit 0 "$PANYA" inspect --json "$WORK/samples.panya"
cp "$WORK/out" "$WORK/inspect.json"
python3 - "$WORK/inspect.json" "$WORK/cold.json" <<'PY' || fail "variants per profile"
import json, sys
files = json.load(open(sys.argv[1]))["files"]
report = json.load(open(sys.argv[2]))
media = [i["path"] for i in report["items"]]
assert len(media) >= 6, media
for path in media:
    profiles = sorted(f["profile"] for f in files if f["path"] == path)
    assert profiles == ["low", "small"], (path, profiles)
for f in files:
    if f["path"].endswith(".mp4"):
        assert f["mime"] == "video/mp4", f
    if f["path"].endswith(".html") or f["path"].endswith(".xml"):
        assert f["profile"] == "source", f
assert report["transcodes"] > 0 and report["cache_hits"] == 0, report
assert all(v["ssim"] is None or v["ssim"] > 0.5 for i in report["items"] for v in i["variants"]), report
PY

# Extract each profile: every file exists, media have their profile's type and size, and
# every src/href in the HTML points at a file that is there.
for profile in small low; do
    out=$WORK/extract-$profile
    expect_exit 0 "$PANYA" extract "$WORK/samples.panya" "$out" --profile "$profile"
    python3 - "$out" <<'PY' || fail "references in the $profile extract"
import os, re, sys
root = sys.argv[1]
pages = 0
for folder, _, names in os.walk(root):
    for name in names:
        if not name.endswith(".html"):
            continue
        pages += 1
        text = open(os.path.join(folder, name), encoding="utf-8").read()
        for ref in re.findall(r'(?:src|href)="([^"#:]+)"', text):
            assert os.path.exists(os.path.join(folder, ref)), (name, ref)
assert pages >= 4, pages
PY
    if command -v ffprobe >/dev/null; then
        video="$out/ຄະນິດສາດ ປ.3/1 ການນັບເລກ.mp4"
        probe=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,height -of csv=p=0 "$video")
        case "$profile:$probe" in
        small:h264,360 | low:h264,240) ;;
        *) fail "$profile video is '$probe'" ;;
        esac
        [ "$(ffprobe -v error -show_entries format=format_name -of csv=p=0 "$out/scorm2004-water-cycle/shared/water-cycle.png")" = webp_pipe ] ||
            fail "$profile: the SCORM package's picture is not WebP"
    fi
done

# cat finds each profile's variant through the path table; the default is the first (small).
video="ຄະນິດສາດ ປ.3/1 ການນັບເລກ.mp4"
"$PANYA" cat "$WORK/samples.panya" "$video" --profile low | cmp -s - "$WORK/extract-low/$video" ||
    fail "cat --profile low differs from the low extract"
"$PANYA" cat "$WORK/samples.panya" "$video" | cmp -s - "$WORK/extract-small/$video" ||
    fail "cat without --profile is not the small variant"
expect_exit 2 "$PANYA" cat "$WORK/samples.panya" "$video" --profile modern
expect_in "$WORK/err" "no variant for profile 'modern'"

# The SCORM package's manifest and pages are unchanged; its media shrank.
for f in imsmanifest.xml evaporation.html rain.html shared/scorm-api.js; do
    cmp -s "$samples/scorm2004-water-cycle/$f" "$WORK/extract-small/scorm2004-water-cycle/$f" ||
        fail "SCORM file changed: $f"
done
[ "$(stat -c %s "$WORK/extract-low/scorm2004-water-cycle/shared/water-cycle.png")" -lt \
  "$(stat -c %s "$samples/scorm2004-water-cycle/shared/water-cycle.png")" ] || fail "SCORM media did not shrink"

# A warm repack hits the cache for every item and gives the same bytes.
expect_exit 0 pack "$samples" -o "$WORK/warm.panya" --report "$WORK/warm.json"
[ "$(json_field "$WORK/warm.json" 'd["transcodes"]')" = 0 ] || fail "warm repack transcoded again"
[ "$(json_field "$WORK/warm.json" 'd["cache_hits"]')" = "$(json_field "$WORK/cold.json" 'd["transcodes"] + d["cache_hits"]')" ] ||
    fail "warm repack did not hit the cache for every item"
cmp -s "$WORK/samples.panya" "$WORK/warm.panya" || fail "repacking the same input gave different bytes"

# Damaged cache entries cost time, never a damaged bundle.
frame=$(find "$cache" -path '*/frames/*' -name '*.zst' | head -1)
[ -n "$frame" ] || fail "no compressed frames were cached"
[ -n "$frame" ] && flip_byte "$frame" 3
out_entry=$(find "$cache" -name '*.out' | head -1)
[ -n "$out_entry" ] && flip_byte "$out_entry" 100
expect_exit 0 pack "$samples" -o "$WORK/damaged-cache.panya"
cmp -s "$WORK/samples.panya" "$WORK/damaged-cache.panya" || fail "a damaged cache changed the bundle"
expect_exit 0 "$PANYA" verify "$WORK/damaged-cache.panya"

# One changed lesson re-transcodes only its own file (two profiles).
song="$samples/ຄະນິດສາດ ປ.3/2 ເພງນັບເລກ.m4a"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=660:duration=3" -c:a aac "$WORK/new.m4a" &&
    mv "$WORK/new.m4a" "$song"
expect_exit 0 pack "$samples" -o "$WORK/changed.panya" --report "$WORK/changed.json"
[ "$(json_field "$WORK/changed.json" 'd["transcodes"]')" = 2 ] || fail "changed lesson: $(json_field "$WORK/changed.json" 'd["transcodes"]') transcodes, wanted 2"
[ "$(json_field "$WORK/changed.json" '[i["path"] for i in d["items"] if not i["variants"][0]["cache_hit"]]')" = "['ຄະນິດສາດ ປ.3/2 ເພງນັບເລກ.m4a']" ] ||
    fail "a lesson that did not change missed the cache"

# A corrupt video: the pack fails naming it and leaves the earlier bundle whole...
head -c 50000 /dev/urandom >"$samples/ວິທະຍາສາດ ປ.4/3 ເສຍ.mp4"
cp "$WORK/changed.panya" "$WORK/before.panya"
expect_exit 1 pack "$samples" -o "$WORK/changed.panya"
expect_in "$WORK/err" "3 ເສຍ.mp4"
cmp -s "$WORK/changed.panya" "$WORK/before.panya" || fail "a failed pack changed the earlier bundle"
ls -a "$WORK" | grep -q '\.tmp-' && fail "a failed pack left a temporary file"
# ...or, with --keep-going, is skipped and reported while the rest is packed (exit 6: partial).
expect_exit 6 pack "$samples" -o "$WORK/partial.panya" --keep-going --report "$WORK/partial.json"
expect_in "$WORK/out" "skipped:"
expect_in "$WORK/out" "3 ເສຍ.mp4"
[ "$(json_field "$WORK/partial.json" 'len(d["skipped"])')" = 1 ] || fail "skipped list"
"$PANYA" inspect --manifest "$WORK/partial.panya" >"$WORK/partial.xml"
grep -q 'ເສຍ' "$WORK/partial.xml" && fail "the broken lesson is in the bundle"
grep -q 'ແມ່ນ້ຳຂອງ' "$WORK/partial.xml" || fail "the course's other lessons are missing"

# A zipped export is read like the folder.
(cd "$samples" && zip -q -r -X "$WORK/export.zip" "ຄະນິດສາດ ປ.3")
expect_exit 0 pack "$WORK/export.zip" -o "$WORK/zipped.panya"
expect_in "$WORK/out" "1 courses, 4 lessons"

# A SCORM package that will not play stops the pack with its first error, or is skipped.
cp -r "$samples/scorm2004-water-cycle" "$WORK/broken-scorm"
sed -i 's/identifierref="res-rain"/identifierref="res-nowhere"/' "$WORK/broken-scorm/imsmanifest.xml"
mkdir -p "$WORK/two" && cp -r "$WORK/broken-scorm" "$WORK/two/broken" && cp -r "$samples/scorm2004-water-cycle" "$WORK/two/good"
expect_exit 1 pack "$WORK/two" -o "$WORK/two.panya"
expect_in "$WORK/err" "SCORM package will not play"
expect_in "$WORK/err" "res-nowhere"
expect_exit 6 pack "$WORK/two" -o "$WORK/two.panya" --keep-going
expect_in "$WORK/out" "1 courses, 1 lessons"
expect_in "$WORK/out" "skipped:"

# --profile source keeps every file unchanged.
rm "$samples/ວິທະຍາສາດ ປ.4/3 ເສຍ.mp4"
expect_exit 0 "$PANYA" pack "$samples" -o "$WORK/source.panya" --profile source "${schemas[@]}"
expect_exit 0 "$PANYA" extract "$WORK/source.panya" "$WORK/extract-source"
cmp -s "$song" "$WORK/extract-source/ຄະນິດສາດ ປ.3/2 ເພງນັບເລກ.m4a" || fail "--profile source changed a file"
expect_exit 2 "$PANYA" pack "$samples" -o "$WORK/x.panya" --profile no-such-profile
expect_in "$WORK/err" "no profile 'no-such-profile'"

finish
