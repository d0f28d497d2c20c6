#!/bin/bash
# HTTP load on loopback: `panya serve` against kiwix-serve (Debian kiwix-tools) serving the
# same files as a ZIM built with zimwriterfs, in one run. wrk with 200 connections fetches
#   page:  a lesson page (HTML, gzip accepted, as phones ask for it)
#   media: random 64 KiB ranges of a 64 MiB video (what a seeking player asks for)
# and reports requests/s, MB/s, p99 latency, errors and each server's peak RSS (VmHWM).
# Aim: panya >= 2x kiwix-serve's requests/s with no errors at 200 connections.
#   bench/serve.sh [SECONDS per run (default 10)] [CONNECTIONS (default 200)]
# Needs wrk, kiwix-serve, zimwriterfs, ffmpeg; PANYA (default build/panya).
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-200}
panya=${PANYA:-build/panya}
[ -x "$panya" ] || { echo "build panya first (ninja -C build)" >&2; exit 2; }
for tool in wrk kiwix-serve zimwriterfs ffmpeg curl; do
    command -v "$tool" >/dev/null || { echo "needs $tool (scripts/dev installs it)" >&2; exit 2; }
done
out=bench/out/serve
rm -rf "$out"
mkdir -p "$out/src/lesson"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

# The lesson: a Lao/English page with a stylesheet, a picture and a 64 MiB video.
{
    printf '<!DOCTYPE html><html lang="lo"><head><meta charset="utf-8"><title>ບົດຮຽນ</title>'
    printf '<link rel="stylesheet" href="style.css"></head><body><h1>ແມ່ນ້ຳຂອງ The Mekong</h1>'
    for i in $(seq 1 120); do
        printf '<p lang="lo">ນ້ຳໃນແມ່ນ້ຳຂອງ ໄຫຼລົງສູ່ທະເລ %d.</p><p lang="en">Water in the Mekong flows to the sea (%d).</p>\n' "$i" "$i"
    done
    printf '<video src="river.mp4" controls></video></body></html>\n'
} >"$out/src/lesson/index.html"
printf 'body { font-family: "Phetsarath OT", sans-serif; max-width: 40rem; }\n' >"$out/src/lesson/style.css"
head -c $((64 * 1024 * 1024)) /dev/urandom >"$out/src/lesson/river.mp4"
ffmpeg -nostdin -loglevel error -f lavfi -i "color=c=0x0b5394:s=48x48" -frames:v 1 \
    "$out/src/icon.png"
page_bytes=$(stat -c %s "$out/src/lesson/index.html")
media_bytes=$(stat -c %s "$out/src/lesson/river.mp4")

"$panya" pack "$out/src" -o "$out/bench.panya" -q --profile source --source folder
zimwriterfs -w lesson/index.html -I icon.png -l lao -t "bench" -d "serve bench" -c panya \
    -p panya -n bench -j "$out/src" "$out/bench.zim" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
panya_port=$(free_port)
"$panya" serve "$out/bench.panya" --quiet --listen "127.0.0.1:$panya_port" \
    --max-per-ip 0 --max-connections 2000 2>"$out/panya.err" &
pids+=($!)
panya_pid=$!
kiwix_port=$(free_port)
kiwix-serve --address 127.0.0.1 --port "$kiwix_port" --nosearchbar "$out/bench.zim" >"$out/kiwix.log" 2>&1 &
pids+=($!)
kiwix_pid=$!
sleep 2

panya_page="http://127.0.0.1:$panya_port/p/bench/lesson/index.html"
panya_media="http://127.0.0.1:$panya_port/p/bench/lesson/river.mp4"
kiwix_page="http://127.0.0.1:$kiwix_port/bench/lesson/index.html"
kiwix_media="http://127.0.0.1:$kiwix_port/bench/lesson/river.mp4"
# Both must answer the same bytes before they are timed (kiwix-serve, with --nosearchbar,
# still adds one <link type="root"> to HTML pages).
same() {
    local a b
    a=$(curl -s --noproxy '*' --compressed "$1" | sha256sum)
    b=$(curl -s --noproxy '*' --compressed "$2" | sed 's#<link type="root" href="">##' | sha256sum)
    [ "$a" = "$b" ] || { echo "the servers disagree on $1 and $2" >&2; exit 1; }
}
same "$panya_page" "$kiwix_page"
same "$panya_media" "$kiwix_media"

cat >"$out/ranges.lua" <<EOF
math.randomseed(7)
request = function()
  local first = math.random(0, $((media_bytes / 65536 - 1))) * 65536
  return wrk.format("GET", nil, {["Range"] = "bytes=" .. first .. "-" .. (first + 65535)})
end
EOF

# run NAME URL [wrk args]: prints "requests/s MB/s p99(ms) errors"
run() {
    local name=$1 url=$2
    shift 2
    wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$url" >"$out/$name.txt" 2>&1
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
                         if (v ~ /s$/) return v * 1000; return v }
        function mb(v) { if (v ~ /GB$/) return v * 1024; if (v ~ /MB$/) return v + 0;
                         if (v ~ /KB$/) return v / 1024; return v / 1048576 }
        /Requests\/sec/ { rps = $2 }
        /Transfer\/sec/ { tps = mb($2) }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx or 3xx/ { errors += $NF }
        /Socket errors/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
        END { printf "%.0f %.1f %.1f %d\n", rps, tps, p99, errors }' "$out/$name.txt"
}

echo "panya serve vs kiwix-serve: ${connections} connections, ${seconds} s per run, $(nproc) cores"
echo "page: ${page_bytes} B of HTML (gzip); media: 64 KiB ranges of ${media_bytes} B"
printf '%-14s %10s %8s %9s %7s\n' run "req/s" "MB/s" "p99 ms" errors
declare -A result
for target in page media; do
    for server in panya kiwix; do
        url_var="${server}_${target}"
        if [ "$target" = page ]; then
            r=$(run "$server-$target" "${!url_var}" -H "Accept-Encoding: gzip")
        else
            r=$(run "$server-$target" "${!url_var}" -s "$out/ranges.lua")
        fi
        result[$server-$target]=$r
        read -r rps mbs p99 errors <<<"$r"
        printf '%-14s %10s %8s %9s %7s\n' "$server $target" "$rps" "$mbs" "$p99" "$errors"
    done
done
rss() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
echo "peak RSS: panya $(rss "$panya_pid") MB, kiwix-serve $(rss "$kiwix_pid") MB"
for target in page media; do
    read -r p _ <<<"${result[panya-$target]}"
    read -r k _ <<<"${result[kiwix-$target]}"
    awk -v t="$target" -v p="$p" -v k="$k" \
        'BEGIN { printf "%s: panya/kiwix-serve requests/s = %.2fx\n", t, (k > 0 ? p / k : 0) }'
done
