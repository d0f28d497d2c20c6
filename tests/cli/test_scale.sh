#!/bin/bash
# Transcoding spread over processes (docs/SCALE.md, issue 15): `panya plan` a corpus of very
# uneven clips, run it as 3 shards with GNU parallel in separate processes with separate
# caches (and over "SSH hosts" that are folders of this machine), `cache merge`, then `pack`
# with the merged cache: zero transcodes, the same bytes as a single-process pack. A worker
# killed mid-job and rerun finishes without redoing finished jobs; two workers racing on one
# job both succeed; merge, verify and gc keep caches whole.
. "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg (used to make the test media) is missing"; exit 77; }
command -v parallel >/dev/null || { echo "SKIP: GNU parallel is missing (Debian 'parallel')"; exit 77; }
export PARALLEL_HOME=$WORK/parallel-home # parallel's citation notice and state stay here

corpus=$WORK/corpus/course
mkdir -p "$corpus/long" "$corpus/short"
clip() { # NAME SECONDS SIZE TONE (the tone makes each clip another file)
    ffmpeg -v error -f lavfi -i "testsrc2=size=$3:rate=25:duration=$2" \
        -f lavfi -i "sine=frequency=$4:sample_rate=48000:duration=$2" \
        -c:v libx264 -preset ultrafast -c:a aac -y "$corpus/$1"
}
clip short/a.mp4 1 320x240 440
clip short/b.mp4 1 320x240 550
clip short/c.mp4 2 320x240 660
clip long/d.mp4 9 480x270 770
ffmpeg -v error -f lavfi -i "sine=frequency=330:duration=4" -c:a libmp3lame -y "$corpus/short/talk.mp3"
ffmpeg -v error -f lavfi -i testsrc2=size=320x240 -frames:v 1 -y "$corpus/short/picture.png"
echo '<html><body><video src="long/d.mp4"></video></body></html>' >"$corpus/index.html"

# ---- plan ----
expect_exit 0 "$PANYA" plan "$WORK/corpus" --cache "$WORK/none" -o "$WORK/plan.jsonl"
expect_in "$WORK/out" "12 transcode job(s) to run"
[ -d "$WORK/none" ] && fail "plan created the cache folder it only reads"
[ "$(wc -l <"$WORK/plan.jsonl")" -eq 13 ] || fail "plan has $(wc -l <"$WORK/plan.jsonl") lines, wanted a header and 12 jobs"
python3 - "$PANYA_SOURCE_ROOT/docs/schemas/plan.schema.json" "$WORK/plan.jsonl" <<'PY' || fail "plan lines do not match docs/schemas/plan.schema.json"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
lines = [json.loads(l) for l in open(sys.argv[2])]
bad = 0
for n, line in enumerate(lines, 1):
    for e in jsonschema.Draft7Validator(schema).iter_errors(line):
        print("    line %d: %s" % (n, e.message), file=sys.stderr); bad += 1
jobs = lines[1:]
assert "panya_plan" in lines[0] and lines[0]["jobs"] == len(jobs)
assert len({j["job"] for j in jobs}) == len(jobs), "job ids repeat"
d = [j for j in jobs if j["bundle_path"].endswith("long/d.mp4")][0]
a = [j for j in jobs if j["bundle_path"].endswith("short/a.mp4")][0]
assert d["cost"] > 10 * a["cost"], "a 9 s 480x270 clip costs more than ten 1 s 320x240 ones"
sys.exit(1 if bad else 0)
PY
# The same inputs plan the same jobs (ids are cache keys, not counters).
expect_exit 0 "$PANYA" plan "$WORK/corpus" --cache "$WORK/none" -o - -q
cmp -s "$WORK/out" "$WORK/plan.jsonl" || fail "planning twice gave other plans"

# Shards: every job in exactly one; the same on every call; the long clip alone-ish.
for k in 0 1 2; do
    expect_exit 0 "$PANYA" transcode-job "$WORK/plan.jsonl" --shard "$k/3" --list
    cut -d' ' -f1 "$WORK/out" >>"$WORK/listed"
done
[ "$(sort "$WORK/listed" | uniq | wc -l)" -eq 12 ] && [ "$(wc -l <"$WORK/listed")" -eq 12 ] ||
    fail "the 3 shards do not hold each of the 12 jobs exactly once"
expect_exit 2 "$PANYA" transcode-job "$WORK/plan.jsonl" --shard 3/3
expect_in "$WORK/err" "--shard wants K/N"

# ---- 3 shards, separate processes and caches (GNU parallel), merged ----
# The workers' freed memory holds another pattern than the single pack's (MALLOC_PERTURB_):
# outputs must not depend on it (x264's CPU-specific routines did).
expect_exit 0 env MALLOC_PERTURB_=85 PANYA="$PANYA" "$PANYA_SOURCE_ROOT/contrib/parallel/panya-parallel" \
    "$WORK/plan.jsonl" 3 "$WORK/merged" -- --jobs 3
for k in 0 1 2; do [ -d "$WORK/merged.parts/cache-$k/v1" ] || fail "shard $k made no cache"; done
[ "$(awk 'NR > 1 && $7 == 0' "$WORK/merged.parts/joblog" | wc -l)" -eq 3 ] || fail "joblog lacks 3 successful shards"
expect_exit 0 "$PANYA" cache verify "$WORK/merged"
expect_in "$WORK/out" "12 entries good, 0 damaged"
expect_exit 0 "$PANYA" cache stats "$WORK/merged"
expect_in "$WORK/out" "12 entries"
expect_in "$WORK/out" "small               6 entries"

expect_exit 0 "$PANYA" pack "$WORK/corpus" -o "$WORK/merged.panya" --cache "$WORK/merged" --report "$WORK/merged.json" -q
[ "$(json_field "$WORK/merged.json" 'd["transcodes"]')" = 0 ] || fail "pack with the merged cache transcoded"
[ "$(json_field "$WORK/merged.json" 'd["cache_hits"]')" = 12 ] || fail "pack with the merged cache missed entries"
expect_exit 0 "$PANYA" pack "$WORK/corpus" -o "$WORK/single.panya" --cache "$WORK/single" --report "$WORK/single.json" -q
[ "$(json_field "$WORK/single.json" 'd["transcodes"]')" = 12 ] || fail "the single-process pack did not transcode 12 variants"
cmp -s "$WORK/merged.panya" "$WORK/single.panya" || fail "the bundle from merged shard caches differs from a single-process pack"

# Planned against the merged cache: nothing left. A rerun of a done shard transcodes nothing.
expect_exit 0 "$PANYA" plan "$WORK/corpus" --cache "$WORK/merged" -o "$WORK/empty.jsonl"
expect_in "$WORK/out" "0 transcode job(s) to run (12 already in"
expect_exit 0 "$PANYA" transcode-job "$WORK/plan.jsonl" --shard 1/3 --cache "$WORK/merged.parts/cache-1"
expect_in "$WORK/out" "0 transcoded"
# Merging again copies nothing; --resume-failed reruns nothing.
expect_exit 0 "$PANYA" cache merge "$WORK/merged.parts/cache-0" "$WORK/merged"
expect_in "$WORK/out" "0 entries copied"

# ---- over "SSH hosts": folders of this machine behind an ssh stand-in ----
if command -v rsync >/dev/null; then
    cat >"$WORK/fake-ssh" <<SH
#!/bin/bash
# ssh [options] HOST COMMAND: runs COMMAND in folder HOST under $WORK/hosts.
while [[ \$1 == -* ]]; do case \$1 in -[oplFiS]) shift 2 ;; *) shift ;; esac; done
host=\$1; shift
[ "\$1" = -- ] && shift
mkdir -p "$WORK/hosts/\$host" && cd "$WORK/hosts/\$host" && HOME=\$PWD exec bash -c "\$*"
SH
    chmod +x "$WORK/fake-ssh"
    printf 'hostA\nhostB\n' >"$WORK/hosts.txt"
    # No SHELL, as under cron or CI: parallel then ran remote jobs as silent no-ops.
    expect_exit 0 env -u SHELL PANYA="$PANYA" "$PANYA_SOURCE_ROOT/contrib/parallel/panya-parallel" \
        "$WORK/plan.jsonl" 3 "$WORK/remote" --sshloginfile "$WORK/hosts.txt" -- --ssh "$WORK/fake-ssh"
    expect_exit 0 "$PANYA" cache stats "$WORK/remote"
    expect_in "$WORK/out" "12 entries"
    expect_exit 0 "$PANYA" pack "$WORK/corpus" -o "$WORK/remote.panya" --cache "$WORK/remote" --report "$WORK/remote.json" -q
    [ "$(json_field "$WORK/remote.json" 'd["transcodes"]')" = 0 ] || fail "pack with the caches from SSH hosts transcoded"
    cmp -s "$WORK/remote.panya" "$WORK/single.panya" || fail "the bundle from SSH hosts' caches differs"
    ls "$WORK"/hosts/*/ 2>/dev/null | grep -q "src-" && fail "a host kept the shipped sources (--cleanup)"
else
    echo "note: rsync is missing; the SSH recipe was not run"
fi

# ---- a worker killed mid-job, rerun ----
"$PANYA" transcode-job "$WORK/plan.jsonl" --shard 0/1 --cache "$WORK/killed" -q &
worker=$!
for _ in $(seq 1 600); do
    [ "$(find "$WORK/killed" -name '*.meta' 2>/dev/null | wc -l)" -ge 3 ] && break
    sleep 0.05
done
kill -KILL "$worker" 2>/dev/null
wait "$worker" 2>/dev/null
done_before=$(find "$WORK/killed" -name '*.meta' | wc -l)
[ "$done_before" -ge 3 ] && [ "$done_before" -lt 12 ] || fail "the worker was not killed mid-plan ($done_before of 12 done)"
find "$WORK/killed" -name '*.meta' -printf '%i %p\n' | sort >"$WORK/before"
expect_exit 0 "$PANYA" transcode-job "$WORK/plan.jsonl" --shard 0/1 --cache "$WORK/killed"
expect_in "$WORK/out" "12 job(s): $((12 - done_before)) transcoded, $done_before already in the cache, 0 failed"
find "$WORK/killed" -name '*.meta' -printf '%i %p\n' | sort | grep -Fxf "$WORK/before" | cmp -s - "$WORK/before" ||
    fail "finished jobs were redone after the kill"
expect_exit 0 "$PANYA" cache verify "$WORK/killed"
find "$WORK/killed" -name '.*tmp-*' | grep -q . && fail "temporaries of the killed worker are left"

# ---- two workers racing on one job, in one cache ----
id=$(sed -n 2p "$WORK/plan.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
"$PANYA" transcode-job "$WORK/plan.jsonl" --job "$id" --cache "$WORK/race" -q & one=$!
"$PANYA" transcode-job "$WORK/plan.jsonl" --job "${id:0:10}" --cache "$WORK/race" -q & two=$!
wait "$one" || fail "the first of two racing workers failed"
wait "$two" || fail "the second of two racing workers failed"
expect_exit 0 "$PANYA" cache verify "$WORK/race"
expect_in "$WORK/out" "1 entries good"

# ---- merge checks hashes; gc ----
meta=$(find "$WORK/race" -name '*.meta' | head -1)
flip_byte "${meta%.meta}.out" 100
expect_exit 1 "$PANYA" cache verify "$WORK/race"
expect_exit 1 "$PANYA" cache merge "$WORK/race" "$WORK/fresh"
expect_in "$WORK/err" "0 entries copied"
expect_exit 0 "$PANYA" cache stats "$WORK/fresh"
expect_in "$WORK/out" "0 entries"
expect_exit 1 "$PANYA" cache verify "$WORK/race" --fix
expect_in "$WORK/err" "1 damaged (removed)"
expect_exit 0 "$PANYA" cache verify "$WORK/race"
expect_in "$WORK/out" "0 entries good, 0 damaged"

# gc --keep-plan keeps what a smaller plan (--all) uses, removes the rest.
expect_exit 0 "$PANYA" plan "$WORK/corpus" --profiles small --all --cache "$WORK/merged" -o "$WORK/small.jsonl"
expect_in "$WORK/out" "0 transcode job(s) to run (6 already in"
expect_exit 0 "$PANYA" cache gc "$WORK/merged" --keep-plan "$WORK/small.jsonl" --dry-run
expect_in "$WORK/out" "would be: 6 entries removed"
expect_exit 0 "$PANYA" cache gc "$WORK/merged" --keep-plan "$WORK/small.jsonl"
expect_exit 0 "$PANYA" cache stats "$WORK/merged"
expect_in "$WORK/out" ": 6 entries"
expect_exit 0 "$PANYA" cache gc "$WORK/merged" --max-size 1
expect_exit 0 "$PANYA" cache stats "$WORK/merged"
expect_in "$WORK/out" ": 0 entries"

# ---- bad input ----
printf '{"panya_plan": 1}\n{"job": "x"}\n' >"$WORK/bad.jsonl"
expect_exit 1 "$PANYA" transcode-job "$WORK/bad.jsonl" --shard 0/1 --cache "$WORK/bad"
expect_in "$WORK/err" "bad.jsonl:2: not a plan job"
expect_exit 2 "$PANYA" cache gc "$WORK/merged"
expect_exit 2 "$PANYA" cache stats "$WORK/no-such-cache"
(cd "$WORK/corpus" && zip -qr "$WORK/course.zip" course)
expect_exit 2 "$PANYA" plan "$WORK/course.zip" --cache "$WORK/none" -o "$WORK/zip.jsonl"
expect_in "$WORK/err" "unpack the zip"
# A source changed since the plan: that job fails by name, the others run.
cp "$corpus/short/a.mp4" "$WORK/a.keep"
printf 'x' >>"$corpus/short/a.mp4"
expect_exit 1 "$PANYA" transcode-job "$WORK/plan.jsonl" --shard 0/1 --cache "$WORK/changed"
expect_in "$WORK/err" "short/a.mp4"
expect_in "$WORK/err" "changed since it was planned"
expect_in "$WORK/err" "2 failed"

finish
