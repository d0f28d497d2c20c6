#!/bin/bash
# --json of every reporting command is valid JSON that matches its schema in docs/schemas/,
# including the error and damage cases, and names that are Lao or not UTF-8 at all.
. "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null || { echo "ffmpeg (used to make test media) is missing"; exit 77; }
python3 -c 'import jsonschema' 2>/dev/null || { echo "python3-jsonschema is missing"; exit 77; }
cd "$WORK"

mkdir -p lessons/ຄະນິດສາດ
echo '<p>"quoted" \ back</p>' >"lessons/ຄະນິດສາດ/index.html"
ffmpeg -loglevel error -f lavfi -i "testsrc=size=160x120:rate=10:duration=1" \
    -f lavfi -i "sine=duration=1" -shortest -c:v libx264 -c:a aac -pix_fmt yuv420p "lessons/ຄະນິດສາດ/1 clip.mp4"
ffmpeg -loglevel error -f lavfi -i "sine=duration=1" -c:a aac song.m4a
# A name that is not UTF-8 (as legacy zips give): still valid JSON.
cp song.m4a "$(printf 'bad\xff.m4a')"

# pack --report and --json: the same document; no duplicate keys.
expect_exit 0 "$PANYA" pack lessons -o a.panya --report report.json --cache cache
expect_schema pack-report report.json
python3 - report.json <<'PY' || fail "the pack report has duplicate keys or lacks the video"
import json, sys
def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)
d = json.load(open(sys.argv[1]), object_pairs_hook=no_duplicates)
assert len(d["items"]) == 1, d
assert d["items"][0]["path"] == "ຄະນິດສາດ/1 clip.mp4", d["items"][0]["path"]
PY
expect_exit 0 "$PANYA" pack lessons -o b.panya --json --cache cache
cp "$WORK/out" pack.json
expect_schema pack-report pack.json
[ "$(json_field pack.json 'd["cache_hits"]')" -ge 1 ] || fail "pack --json: no cache hits on a repack"

expect_exit 0 "$PANYA" inspect --json a.panya
cp "$WORK/out" inspect.json
expect_schema inspect inspect.json
grep -q 'ຄະນິດສາດ' inspect.json || fail "inspect --json lost the Lao path"

# verify: a whole bundle, a damaged one and a missing one in one document.
cp a.panya damaged.panya
flip_byte damaged.panya 5000
expect_exit 1 "$PANYA" verify --json a.panya damaged.panya
cp "$WORK/out" verify.json
expect_schema verify verify.json
[ "$(json_field verify.json '[b["verdict"] for b in d["bundles"]]')" = "['ok', 'damaged']" ] ||
    fail "verify verdicts: $(cat verify.json)"
expect_exit 2 "$PANYA" verify --json a.panya missing.panya
cp "$WORK/out" verify2.json
expect_schema verify verify2.json
[ "$(json_field verify2.json 'd["bundles"][1]["verdict"]')" = error ] || fail "missing bundle verdict"

expect_exit 2 "$PANYA" probe --json "lessons/ຄະນິດສາດ/1 clip.mp4" song.m4a "$(printf 'bad\xff.m4a')" nothing.mp4
cp "$WORK/out" probe.json
expect_schema probe probe.json
[ "$(json_field probe.json 'd["files"][0]["video"]["width"]')" = 160 ] || fail "probe --json width"
[ "$(json_field probe.json '"error" in d["files"][3]')" = True ] || fail "probe --json error entry"

expect_exit 0 "$PANYA" transcode song.m4a --profile low -o low.m4a --json
cp "$WORK/out" transcode.json
expect_schema transcode transcode.json

mkdir card
expect_exit 0 "$PANYA" copy a.panya card --json
cp "$WORK/out" copy.json
expect_schema copy copy.json
[ "$(json_field copy.json 'd["cards"][0]["copied"]')" = 1 ] || fail "copy --json count"

echo "<p>new</p>" >"lessons/ຄະນິດສາດ/new.html"
expect_exit 0 "$PANYA" pack lessons -o c.panya --cache cache -q
mkdir card2 && cp c.panya card2/a.panya   # another bundle under the same name
expect_exit 2 "$PANYA" copy a.panya card2 --json
cp "$WORK/out" copy2.json
expect_schema copy copy2.json
[ "$(json_field copy2.json 'd["cards"][0]["ok"]')" = False ] || fail "copy --json: a refused card is ok"
expect_exit 0 "$PANYA" diff a.panya c.panya -o u.patch --json
cp "$WORK/out" diff.json
expect_schema patch-stats diff.json
expect_exit 0 "$PANYA" patch a.panya u.patch -o c2.panya --json
cp "$WORK/out" patch.json
expect_schema patch-stats patch.json
cmp -s c.panya c2.panya || fail "patch result differs"

finish
