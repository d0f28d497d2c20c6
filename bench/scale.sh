#!/bin/bash
# Scale benchmark (issue 15, docs/SCALE.md). In one run:
#   1. shard balance: a corpus of very uneven clips (1 s to 2 min) planned with small,low;
#      max/mean shard cost for N = 3 and 10 under panya's longest-first assignment, against
#      the same jobs dealt round-robin by count, and the best possible (max(mean, biggest job));
#   2. 10,000 cached objects: 5,000 small pictures whose two variants (small, low) are in a
#      cache of the real layout (fake outputs with true records, written directly): time of
#      `plan` (0 jobs left), of `plan` with an empty cache (10,000 jobs), of `cache merge` into
#      an empty cache and again (all present), `cache verify`, `cache stats`;
#   3. per-minute encode cost: a 60 s 1280x720 clip with film grain through each profile by
#      `transcode-job` (one encoder thread, as the workers run), and the projection for a
#      6,500-lesson catalogue at 10 min of video per lesson on 1, 10 and 50 machines of this
#      size (one job per core; the slowest shard's lateness bounded by one job).
# usage: bench/scale.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
panya=$build/panya
[ -x "$panya" ] || { echo "needs $panya" >&2; exit 2; }
out=$(mktemp -d "${TMPDIR:-/tmp}/panya-bench-scale-XXXXXX")
trap 'rm -rf "$out"' EXIT
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }

echo "== 1. shard balance (uneven clips) =="
mkdir -p "$out/uneven/course"
n=0
for seconds in 1 1 1 2 2 3 3 4 5 6 8 10 12 15 20 25 30 45 60 120; do
    n=$((n + 1))
    ffmpeg -v error -f lavfi -i "testsrc2=size=640x360:rate=25:duration=$seconds" \
        -f lavfi -i "sine=frequency=$((200 + n * 10)):duration=$seconds" -c:v libx264 -preset ultrafast \
        -c:a aac -y "$out/uneven/course/clip$n.mp4"
done
"$panya" plan "$out/uneven" --cache "$out/none" -o "$out/uneven.jsonl" -q
python3 - "$out/uneven.jsonl" "$panya" <<'PY'
import json, subprocess, sys
plan, panya = sys.argv[1], sys.argv[2]
jobs = [json.loads(l) for l in open(plan)][1:]
cost = {j["job"]: j["cost"] for j in jobs}
print(f"{len(jobs)} jobs, biggest/smallest cost {max(cost.values()) / min(cost.values()):.0f}x")
for n in (3, 10):
    loads = []
    for k in range(n):
        listed = subprocess.run([panya, "transcode-job", plan, "--shard", f"{k}/{n}", "--list"],
                                check=True, capture_output=True, text=True).stdout.split("\n")
        loads.append(sum(cost[l.split()[0]] for l in listed if l))
    mean = sum(loads) / n
    order = sorted(jobs, key=lambda j: j["job"])
    rr = [sum(j["cost"] for j in order[k::n]) for k in range(n)]
    best = max(mean, max(cost.values()))
    print(f"N={n:<3} panya max/mean {max(loads) / mean:.3f}   round-robin by count {max(rr) / mean:.3f}"
          f"   best possible {best / mean:.3f}")
PY

echo "== 2. 10,000 cached objects =="
mkdir -p "$out/many/course"
python3 - "$out/many/course" <<'PY'
import struct, sys, zlib
def png(i):
    raw = b"".join(b"\0" + bytes([(i >> 8) & 255, i & 255, (x * 37 + y) & 255] * 1)[:3] * 1 + bytes(3 * 7)
                   for y in range(8) for x in [0])
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
for i in range(5000):
    open(f"{sys.argv[1]}/p{i:05d}.png", "wb").write(png(i))
PY
t=$(now); "$panya" plan "$out/many" --cache "$out/cache" -o "$out/many.jsonl" -q; plan_cold=$(since "$t")
python3 - "$out/many.jsonl" "$out/cache/v1" <<'PY'
import hashlib, json, os, sys
plan, top = sys.argv[1], sys.argv[2]
for line in list(open(plan))[1:]:
    j = json.loads(line)
    key = j["job"]
    body = hashlib.sha256(key.encode()).digest() * 64  # 2 KiB, unique per key
    folder = os.path.join(top, key[:2])
    os.makedirs(folder, exist_ok=True)
    open(os.path.join(folder, key + ".out"), "wb").write(body)
    open(os.path.join(folder, key + ".meta"), "w").write(
        "panya-cache 1\nkind 3\nmime image/webp\ncodecs \nwidth 8\nheight 8\nbitrate 0\n"
        "duration 0.000000\nbytes %d\nssim -1.000000\nencoder %s\nsha256 %s\nprofile %s\n"
        % (len(body), j["encoder"], hashlib.sha256(body).hexdigest(), j["profile"]))
PY
t=$(now); "$panya" plan "$out/many" --cache "$out/cache" -o "$out/warm.jsonl"; plan_warm=$(since "$t")
t=$(now); "$panya" cache merge "$out/cache" "$out/merged" -q; merge_cold=$(since "$t")
t=$(now); "$panya" cache merge "$out/cache" "$out/merged" -q; merge_warm=$(since "$t")
t=$(now); "$panya" cache verify "$out/merged" -q; verify=$(since "$t")
t=$(now); "$panya" cache stats "$out/merged" >/dev/null; stats=$(since "$t")
echo "plan, empty cache (10,000 jobs): ${plan_cold} s;  plan, all 10,000 cached: ${plan_warm} s"
echo "merge 10,000 into empty: ${merge_cold} s;  merge again (all present): ${merge_warm} s"
echo "verify 10,000: ${verify} s;  stats: ${stats} s"

echo "== 3. per-minute encode cost and projection =="
mkdir -p "$out/minute/course"
ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=60" \
    -f lavfi -i "sine=frequency=440:duration=60" -vf "noise=alls=12:allf=t" \
    -c:v libx264 -preset veryfast -crf 20 -c:a aac -y "$out/minute/course/lesson.mp4"
declare -A per_min
for profile in small low; do
    "$panya" plan "$out/minute" --profiles "$profile" --cache "$out/c-$profile" -o "$out/$profile.jsonl" -q
    t=$(now)
    "$panya" transcode-job "$out/$profile.jsonl" --shard 0/1 --cache "$out/c-$profile" -q
    per_min[$profile]=$(since "$t")
    echo "$profile: ${per_min[$profile]} s of one core per minute of 720p video"
done
python3 - "${per_min[small]}" "${per_min[low]}" "$(nproc)" "$out/uneven.jsonl" "$panya" <<'PY'
import json, subprocess, sys
small, low, cores = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
lessons, minutes_each = 6500, 10
minutes = lessons * minutes_each
core_hours = minutes * (small + low) / 3600
print(f"assumption: {lessons} lessons x {minutes_each} min of 720p video = {minutes} min; "
      f"profiles small+low; {cores} cores per machine, one job per core")
print(f"{'machines':>8} {'hours':>8}   (core-hours {core_hours:.0f})")
jobs = lessons * 2  # one per lesson video and profile
for machines in (1, 10, 50):
    # Longest-first bound: no shard exceeds the mean by more than the biggest job (a 10 min
    # lesson), so with this many similar jobs the slowest machine is at most this much late.
    slots = machines * cores
    bound = 1 + 1 / (jobs / slots) if slots > 1 else 1
    hours = core_hours / slots
    print(f"{machines:>8} {hours:>8.1f}   (at most {hours * bound:.1f} with the longest-first bound)")
PY
