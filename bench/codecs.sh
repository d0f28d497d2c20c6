#!/bin/bash
# Media codecs against what users would do instead, on the same clips in one run.
#
#   bench/codecs.sh [BUILD_DIR] [CORPUS_MEDIA_DIR]
#   BASELINE=DIR    a build folder of an older panya (e.g. main before a change): its
#                   small/low/modern encodes of the same clips are timed and measured too
#   BENCH_MATCH=1   also the matching mode below (slow: several encodes per clip)
#
# Video clips: the corpus plus clips generated here with lavfi (bench/out/gen) for the
# hard classes of lesson video: camera footage with motion and sensor noise, a screen
# recording (scrolling text, a moving cursor), slides with narration, a talking head (a
# moving natural picture on a still background). For every clip: panya's small/low/modern
# profiles against ricecooker's ffmpeg command and openZIM's VideoMp4Low / VideoWebmLow
# presets: bytes, MB per minute, ssim640 (output and source both scaled to 640 wide, the
# ssim filter's Y), wall and CPU time, and for panya whether the clip reached its profile's
# target or was reported "below target at the ceiling". Matching mode encodes panya's H.264
# and AV1 at ricecooker's output size, lowering CRF (no VBV cap) until SSIM is no lower
# than ricecooker's, so bytes are compared at equal or better quality. Audio: panya against
# MP3 at 64 kb/s. Images: panya against `cwebp -q 60 -m 6` at the same output size.
#
# Transparent pictures are composited over white first, as a phone shows them. Wall time
# and peak memory come from /usr/bin/time; on a shared machine compare CPU time. Never
# part of meson test.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
corpus=${2:-$root/../shared/corpus/media}
panya=$build/panya
out=$root/bench/out
for tool in ffmpeg ffprobe cwebp /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done
[ -x "$panya" ] || { echo "bench: build panya first ($panya)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "bench: no corpus at $corpus" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"

# timed LOG COMMAND...: runs it, writes "wall_seconds peak_kb user_seconds system_seconds"
# to LOG. CPU seconds are printed next to wall time: the machine may be shared.
timed() {
    local log=$1
    shift
    /usr/bin/time -f "%e %M %U %S" -o "$log" "$@" >"$log.out" 2>"$log.err" ||
        { echo "bench: failed: $* ($(tail -1 "$log.err"))" >&2; return 1; }
}
wall() { cut -d' ' -f1 "$1"; }
cpu() { awk '{printf "%.1f", $3 + $4}' "$1"; }
peak_mb() { awk '{printf "%.0f", $2 / 1024}' "$1"; }
bytes() { stat -c %s "$1"; }
dims() { ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$1"; }
duration() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }

# ssim OUT SOURCE W H: luma SSIM of both scaled to WxH; pictures over white (alpha).
ssim() {
    local w=$3 h=$4 graph
    case "$1" in
    *.webp)
        local prep="scale=$w:$h:flags=bicubic,format=rgba"
        graph="[0:v]$prep[o];[1:v]$prep[s];color=white:s=${w}x$h:d=1[w1];"
        graph+="color=white:s=${w}x$h:d=1[w2];[w1][o]overlay=shortest=1,format=yuv444p[a];"
        graph+="[w2][s]overlay=shortest=1,format=yuv444p[b];[a][b]ssim"
        ;;
    *)
        graph="[0:v]scale=$w:$h:flags=bicubic,format=yuv420p[a];"
        graph+="[1:v]scale=$w:$h:flags=bicubic,format=yuv420p[b];[a][b]ssim"
        ;;
    esac
    ffmpeg -nostdin -v info -i "$1" -i "$2" -lavfi "$graph" -f null - 2>&1 |
        sed -n 's/.*SSIM Y:\([0-9.]*\).*/\1/p' | tail -1
}
# Height of a 640-wide picture with OUT's aspect ratio (even).
h640() { local d; d=$(dims "$1"); echo $((640 * ${d#*x} / ${d%x*} / 2 * 2)); }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
mb_per_min() { awk -v b="$1" -v d="$2" 'BEGIN { printf "%.2f", b / 1e6 / d * 60 }'; }

row_header() { printf '%-13s %-17s %8s %6s %8s %7s %7s %6s %6s  %s\n' file variant bytes MB/min \
    size ssim ssim640 wall cpu panya; }
# row FILE VARIANT OUTPUT SOURCE TIMELOG [PANYA_JSON]: one line, and the figures in video.txt
# ("file variant bytes seconds ssim ssim640 wall cpu below target", the last two from
# panya's --json output, "-" for the others).
row() {
    local o=$3 d w h s s640 below=- target=- note=""
    d=$(dims "$o")
    w=${d%x*}
    h=${d#*x}
    s=$(ssim "$o" "$4" "$w" "$h")
    s640=$(ssim "$o" "$4" 640 "$(h640 "$o")")
    if [ -n "${6:-}" ]; then
        read -r below target note < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(int(r["below_target"]), r["target_ssim640"] or 0, "crf %d, its ssim640 %.4f: %s" % (r["crf"], r["ssim"],
      "target reached" if not r["below_target"] else "BELOW TARGET AT THE CEILING" if r["at_ceiling"]
      else "BELOW TARGET after one correction"))' "$6")
    fi
    printf '%-13s %-17s %8d %6s %8s %7.4f %7.4f %5.1fs %5ss  %s\n' "$1" "$2" "$(bytes "$o")" \
        "$(mb_per_min "$(bytes "$o")" "$(duration "$o")")" "$d" "$s" "$s640" "$(wall "$5")" \
        "$(cpu "$5")" "$note"
    echo "$1 $2 $(bytes "$o") $(duration "$o") $s $s640 $(wall "$5") $(cpu "$5") $below $target" >>"$out/video.txt"
}

# A copy of the built-in profiles where `name` fits WxH, with CRF `crf`, no target and no
# VBV cap.
matched_profiles() { # NAME W H CRF FILE
    awk -v name="$1" -v w="$2" -v h="$3" -v crf="$4" '
        /<profile name=/ { inside = index($0, "name=\"" name "\"") > 0 }
        inside && /max-width=/ { sub(/max-width="[0-9]+"/, "max-width=\"" w "\"");
                                 sub(/max-height="[0-9]+"/, "max-height=\"" h "\"") }
        inside && / crf=/ { sub(/ crf="[0-9]+"/, " crf=\"" crf "\"");
                            sub(/crf-min="[0-9]+"/, "crf-min=\"0\"");
                            sub(/ target-ssim640="[0-9.]+"/, "") }
        inside && /maxrate-kbps=/ { sub(/maxrate-kbps="[0-9]+"/, "maxrate-kbps=\"50000\"");
                                    sub(/bufsize-kbps="[0-9]+"/, "bufsize-kbps=\"50000\"") }
        { print }' "$root/codecs/profiles.xml" >"$5"
}

# The generated clips: 6 s each, made once per run with ffmpeg's lavfi sources.
gen=$out/gen
mkdir -p "$gen"
font=$(fc-match -f '%{file}' 'DejaVu Sans' 2>/dev/null)
awk 'BEGIN { srand(3); split("the water cycle moves water from oceans to clouds rain rivers and back " \
    "evaporation condensation precipitation lesson count numbers add subtract", w, " ");
    for (l = 0; l < 60; l++) { line = ""; for (i = 0; i < 9; i++) line = line w[int(rand() * 22) + 1] " ";
    print line } }' >"$gen/text.txt"
speech="aevalsrc='0.3*sin(2*PI*(160+40*sin(2*PI*3*t))*t)*(0.5+0.5*sin(2*PI*4*t))':d=6"
# genclip OUT INPUT_AND_FILTER_OPTIONS...
genclip() {
    local o=$1
    shift
    ffmpeg -nostdin -v error -y "$@" -t 6 -c:v libx264 -crf 18 -preset veryfast -c:a aac -b:a 96k "$o"
}
genclip "$gen/camera.mp4" -f lavfi -i "mandelbrot=s=960x540:rate=30:start_scale=1.5:end_scale=0.3:maxiter=200" \
    -f lavfi -i "anoisesrc=c=pink:a=0.05:d=6" -vf "noise=alls=12:allf=t+u,format=yuv420p"
if [ -n "$font" ]; then
    genclip "$gen/screen.mp4" -f lavfi -i "color=c=white:s=1280x720:rate=30" -f lavfi -i "anullsrc=d=6" -vf \
        "drawtext=fontfile=$font:textfile=$gen/text.txt:fontsize=22:line_spacing=8:x=40:y=h-60*t-20:fontcolor=black,drawbox=x=40+60*t:y=300:w=12:h=22:color=blue:t=fill,format=yuv420p"
    genclip "$gen/slides.mp4" -f lavfi -i "color=c=0x204080:s=1280x720:rate=30" -f lavfi -i "$speech" -vf \
        "drawtext=fontfile=$font:text='Lesson %{eif\:1+floor(t/2)\:d}':fontsize=72:x=80:y=60:fontcolor=white,drawtext=fontfile=$font:textfile=$gen/text.txt:fontsize=30:line_spacing=12:x=80:y=200-floor(t/2)*130:fontcolor=white,format=yuv420p"
else
    echo "bench: no DejaVu Sans font: no screen-recording and slides clips" >&2
fi
talking_source=$(ls "$corpus"/rabbit.mp4 2>/dev/null || ls "$corpus"/*.mp4 | head -1)
genclip "$gen/talking.mp4" -f lavfi -i "gradients=s=1280x720:rate=30:c0=0x806040:c1=0x405060:speed=0.002" \
    -i "$talking_source" -f lavfi -i "$speech" -filter_complex \
    "[1:v]crop=360:400:180:40,scale=450:500[h];[0:v][h]overlay=x=415+10*sin(t):y=150,noise=alls=4:allf=t,format=yuv420p" \
    -map 2:a

echo "== video (corpus: $corpus; generated: $gen)"
row_header
: >"$out/video.txt"
: >"$out/matched.txt"
for src in "$corpus"/*.mp4 "$corpus"/*.webm "$gen"/*.mp4; do
    f=$(basename "$src")
    b=$out/${f%.*}
    timed "$b.rc.time" ffmpeg -nostdin -y -i "$src" -b:a 32k -ac 1 \
        -vf "scale='w=-2:h=trunc(min(ih,480)/2)*2'" -crf 32 -profile:v baseline -level 3.0 \
        -preset slow -movflags faststart "$b.rc.mp4" && row "$f" ricecooker "$b.rc.mp4" "$src" "$b.rc.time"
    timed "$b.zmp4.time" ffmpeg -nostdin -y -i "$src" -codec:v h264 -b:v 300k -maxrate 300k \
        -minrate 300k -qmin 30 -qmax 42 -vf "scale='480:trunc(ow/a/2)*2'" -codec:a aac -b:a 48k \
        -ar 44100 -ac 2 -movflags +faststart "$b.zmp4.mp4" &&
        row "$f" openzim-mp4low "$b.zmp4.mp4" "$src" "$b.zmp4.time"
    timed "$b.zwebm.time" ffmpeg -nostdin -y -i "$src" -codec:v libvpx-vp9 -b:v 140k \
        -maxrate 140k -minrate 140k -qmin 30 -qmax 42 -vf "scale='480:trunc(ow/a/2)*2'" \
        -codec:a libvorbis -b:a 48k -ar 44100 -ac 2 "$b.zwebm.webm" &&
        row "$f" openzim-webmlow "$b.zwebm.webm" "$src" "$b.zwebm.time"
    for p in small low modern; do
        if [ -n "${BASELINE:-}" ]; then
            timed "$b.$p-base.time" "$BASELINE/panya" transcode "$src" --profile "$p" --no-ssim \
                -o "$b.$p-base.mp4" && row "$f" "baseline-$p" "$b.$p-base.mp4" "$src" "$b.$p-base.time"
        fi
        timed "$b.$p.time" "$panya" transcode "$src" --profile "$p" --json -o "$b.$p.mp4" &&
            row "$f" "panya-$p" "$b.$p.mp4" "$src" "$b.$p.time" "$b.$p.time.out"
    done

    # Matching mode: ricecooker's size, quality no lower than ricecooker's.
    [ "${BENCH_MATCH:-0}" = 1 ] && [ -f "$b.rc.mp4" ] || continue
    d=$(dims "$b.rc.mp4")
    target=$(ssim "$b.rc.mp4" "$src" "${d%x*}" "${d#*x}")
    for p in small modern; do
        if [ "$p" = small ]; then crfs="40 38 36 34 32 30 28 26"; else crfs="63 60 57 54 50 46 42 38"; fi
        for crf in $crfs; do
            matched_profiles "$p" "${d%x*}" "${d#*x}" "$crf" "$b.$p-m.xml"
            timed "$b.$p-m.time" "$panya" transcode "$src" --profiles "$b.$p-m.xml" \
                --profile "$p" --no-ssim -o "$b.$p-m.mp4" || break
            s=$(ssim "$b.$p-m.mp4" "$src" "${d%x*}" "${d#*x}")
            if awk -v s="$s" -v t="$target" 'BEGIN { exit !(s >= t) }'; then
                row "$f" "panya-$p@crf$crf" "$b.$p-m.mp4" "$src" "$b.$p-m.time"
                echo "$f $p $crf $(bytes "$b.$p-m.mp4") $s $(wall "$b.$p-m.time") $(bytes "$b.rc.mp4") $target $(wall "$b.rc.time") $(cpu "$b.$p-m.time") $(cpu "$b.rc.time")" >>"$out/matched.txt"
                break
            fi
        done
    done
done
echo
echo "== audio"
printf '%-14s %-16s %9s %7s %7s\n' file variant bytes kb/s time
: >"$out/audio.txt"
for src in "$corpus"/*.mp3; do
    f=$(basename "$src")
    b=$out/${f%.*}
    timed "$b.mp3.time" ffmpeg -nostdin -y -i "$src" -c:a libmp3lame -b:a 64k "$b.64k.mp3" || continue
    printf '%-14s %-16s %9d %7.0f %6.1fs\n' "$f" mp3-64k "$(bytes "$b.64k.mp3")" \
        "$(awk -v b="$(bytes "$b.64k.mp3")" -v d="$(duration "$b.64k.mp3")" 'BEGIN{print b*8/d/1000}')" \
        "$(wall "$b.mp3.time")"
    for p in small low modern; do
        timed "$b.$p.time" "$panya" transcode "$src" --profile "$p" -o "$b.$p.audio" || continue
        printf '%-14s %-16s %9d %7.0f %6.1fs  %s of MP3\n' "$f" "panya-$p" "$(bytes "$b.$p.audio")" \
            "$(awk -v b="$(bytes "$b.$p.audio")" -v d="$(duration "$b.$p.audio")" 'BEGIN{print b*8/d/1000}')" \
            "$(wall "$b.$p.time")" "$(ratio "$(bytes "$b.$p.audio")" "$(bytes "$b.64k.mp3")")"
        echo "$f $p $(bytes "$b.$p.audio") $(bytes "$b.64k.mp3")" >>"$out/audio.txt"
    done
done

echo
echo "== images (SSIM against the source resized to the output size)"
printf '%-26s %-12s %9s %10s %7s %7s %9s\n' file variant bytes size ssim time "of source"
: >"$out/image.txt"
for src in "$corpus"/*.jpg "$corpus"/*.png; do
    f=$(basename "$src")
    b=$out/${f%.*}
    for p in small low; do
        timed "$b.$p.time" "$panya" transcode "$src" --profile "$p" --no-ssim -o "$b.$p.webp" ||
            continue
        d=$(dims "$b.$p.webp")
        s=$(ssim "$b.$p.webp" "$src" "${d%x*}" "${d#*x}")
        printf '%-26s %-12s %9d %10s %7.4f %6.1fs %9s\n' "$f" "panya-$p" "$(bytes "$b.$p.webp")" \
            "$d" "$s" "$(wall "$b.$p.time")" "$(ratio "$(bytes "$b.$p.webp")" "$(bytes "$src")")"
        echo "$f $p $(bytes "$b.$p.webp") $(bytes "$src") $s" >>"$out/image.txt"
        timed "$b.cw.time" cwebp -quiet -q 60 -m 6 -resize "${d%x*}" "${d#*x}" "$src" \
            -o "$b.$p.cwebp.webp" || continue
        s=$(ssim "$b.$p.cwebp.webp" "$src" "${d%x*}" "${d#*x}")
        printf '%-26s %-12s %9d %10s %7.4f %6.1fs %9s\n' "$f" "cwebp@$p" \
            "$(bytes "$b.$p.cwebp.webp")" "$d" "$s" "$(wall "$b.cw.time")" \
            "$(ratio "$(bytes "$b.$p.cwebp.webp")" "$(bytes "$src")")"
    done
done

echo
echo "== aims"
awk '
    $2 == "small" { hb += $4; ht += $6; hn++; hrc += $7; hrt += $9; hc += $10; hrcc += $11 }
    $2 == "modern" { ab += $4; an++; arc += $7 }
    END {
        if (hn) printf "H.264 (small) at ricecooker size and SSIM: %.0f%% of its bytes (aim <= 85%%), %.0f%% of its wall time and %.0f%% of its CPU time (aim <= 100%%), %d files matched\n", 100 * hb / hrc, 100 * ht / hrt, 100 * hc / hrcc, hn
        if (an) printf "AV1 (modern) at ricecooker size and SSIM: %.0f%% of its bytes (aim <= 50%%), %d files matched\n", 100 * ab / arc, an
    }' "$out/matched.txt"
awk '
    $2 ~ /^panya-(small|low|modern)$/ {
        p = substr($2, 7); bytes[p] += $3; secs[p] += $4; n[p]++; cpu[p] += $8; wall[p] += $7
        s640[p] += $6; below[p] += $9; if (!(p in worst) || $6 < worst[p]) worst[p] = $6
        if ($9 == 0 && $6 < $10 - 0.005) missed[p] = missed[p] " " $1 "(" $6 ")"
    }
    $2 ~ /^baseline-/ { p = substr($2, 10); bbytes[p] += $3; bsecs[p] += $4; bcpu[p] += $8; bwall[p] += $7; bs[p] += $6; bn[p]++ }
    END {
        aim["small"] = 1.2; aim["low"] = 0.6; aim["modern"] = 0.8
        for (p in n) {
            printf "%s: %.2f MB per minute over %d clips (aim <= %.1f); mean ssim640 %.4f, lowest %.4f; %d clips below target (reported); below target and not reported (bench ssim640 more than 0.005 under):%s\n", p, bytes[p] / 1e6 / secs[p] * 60, n[p], aim[p], s640[p] / n[p], worst[p], below[p], missed[p] ? missed[p] : " none"
            tc += cpu[p]; tw += wall[p]; btc += bcpu[p]; btw += bwall[p]
            if (bn[p]) printf "  baseline %s: %.2f MB per minute, mean ssim640 %.4f\n", p, bbytes[p] / 1e6 / bsecs[p] * 60, bs[p] / bn[p]
        }
        if (btc) printf "encode time, all panya clips and profiles: CPU %.1f s against %.1f s for the baseline (%.2fx, aim <= 1.5x); wall %.1f s against %.1f s (%.2fx)\n", tc, btc, tc / btc, tw, btw, tw / btw
    }' "$out/video.txt"
awk '$2 != "low" { printf "speech %s with %s: %.0f%% of MP3 64k bytes (aim <= 40%%)\n", $1, $2, 100 * $3 / $4 }' "$out/audio.txt"
awk '$2 == "small" { printf "image %s: %.0f%% of source bytes (aim <= 25%%), SSIM %.4f (aim >= 0.95)\n", $1, 100 * $3 / $4, $5 }' "$out/image.txt"
