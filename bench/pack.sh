#!/bin/bash
# End-to-end pack benchmark (issue: panya pack). The corpus is arranged as a KPL export: a
# course of lesson videos and audio, an HTML lesson zip holding the photos, and the SCORM
# packages as courses. On the same input, in one run:
#   panya pack (profiles small,low, and low alone), cold cache and warm after one change;
#   the pipeline a team scripts today: ricecooker's ffmpeg command per video, MP3 64k per
#   audio, cwebp -q 60 -m 6 per image, then zip -9 of everything.
# Prints bytes, wall time and peak memory, and the ratios.  usage: bench/pack.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
panya=$build/panya
corpus=$root/../shared/corpus
measure="python3 $here/measure.py"
[ -x "$panya" ] && [ -d "$corpus" ] || { echo "needs $panya and $corpus" >&2; exit 2; }
out=$(mktemp -d "${TMPDIR:-/tmp}/panya-bench-pack-XXXXXX")
trap 'rm -rf "$out"' EXIT

export_dir=$out/export
course=$export_dir/media-course
mkdir -p "$course" "$out/photos"
n=1
for f in "$corpus"/media/*.mp4 "$corpus"/media/*.webm "$corpus"/media/*.mp3; do
    cp "$f" "$course/$n $(basename "$f")"
    n=$((n + 1))
done
cp "$corpus"/media/*.jpg "$corpus"/media/*.png "$out/photos/"
printf '<!DOCTYPE html><html><body>%s</body></html>\n' \
    "$(cd "$out/photos" && for p in *; do printf '<img src="%s">' "$p"; done)" >"$out/photos/index.html"
(cd "$out/photos" && zip -q -X -r "$course/$n photos.zip" .)
for p in "$corpus"/scorm/valid/*; do cp -r "$p" "$export_dir/"; done
in_bytes=$(du -sb "$export_dir" | cut -f1)
schemas=()
[ -d "$root/../shared/schemas" ] && schemas=(--schemas "$root/../shared/schemas")

size() { stat -c %s "$1"; }
ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }

# panya, cold cache, both default profiles; then the low profile alone.
read -r cold_t cold_m < <($measure -- "$panya" pack "$export_dir" -o "$out/both.panya" -q \
    --cache "$out/cache" "${schemas[@]}")
read -r low_t low_m < <($measure -- "$panya" pack "$export_dir" -o "$out/low.panya" -q \
    --profiles low --cache "$out/cache-low" "${schemas[@]}")
# Warm repack after one lesson changed (its video replaced by a new 6-second clip).
first=$(ls "$course" | head -1)
ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=720x480:rate=25:duration=6" \
    -f lavfi -i "sine=frequency=300:duration=6" -c:v libx264 -c:a aac -shortest \
    "$out/changed.mp4"
mv "$out/changed.mp4" "$course/$first"
read -r warm_t warm_m < <($measure -- "$panya" pack "$export_dir" -o "$out/both.panya" -q \
    --cache "$out/cache" "${schemas[@]}")

# The scripted pipeline.
script=$out/scripted
cat >"$out/pipeline.sh" <<'SH'
#!/bin/bash
set -eu
src=$1 dst=$2
cp -r "$src" "$dst"
find "$dst" -type f | while read -r f; do
    case "${f,,}" in
    *.mp4|*.webm|*.mov|*.mkv)
        ffmpeg -nostdin -loglevel error -y -i "$f" -b:a 32k -ac 1 \
            -vf "scale='w=-2:h=trunc(min(ih,480)/2)*2'" -crf 32 -profile:v baseline -level 3.0 \
            -preset slow -movflags faststart "$f.out.mp4" && mv "$f.out.mp4" "${f%.*}.mp4"
        [ "${f%.*}.mp4" = "$f" ] || rm -f "$f" ;;
    *.mp3|*.wav|*.ogg|*.m4a)
        ffmpeg -nostdin -loglevel error -y -i "$f" -b:a 64k "$f.out.mp3" && mv "$f.out.mp3" "${f%.*}.mp3"
        [ "${f%.*}.mp3" = "$f" ] || rm -f "$f" ;;
    *.jpg|*.jpeg|*.png)
        cwebp -quiet -q 60 -m 6 "$f" -o "${f%.*}.webp" && rm -f "$f" ;;
    *.zip)
        d="${f%.zip}.d"; mkdir -p "$d"; (cd "$d" && unzip -q "$f")
        for g in "$d"/*.jpg "$d"/*.png; do [ -e "$g" ] && cwebp -quiet -q 60 -m 6 "$g" -o "${g%.*}.webp" && rm -f "$g"; done
        rm -f "$f"; (cd "$d" && zip -q -9 -r -X "$f" .); rm -rf "$d" ;;
    esac
done
(cd "$dst" && zip -q -9 -r -X "$dst.zip" .)
SH
read -r script_t script_m < <($measure -- bash "$out/pipeline.sh" "$export_dir" "$script")

both=$(size "$out/both.panya"); low=$(size "$out/low.panya"); scripted=$(size "$script.zip")
printf 'input: %s bytes (%s files)\n' "$in_bytes" "$(find "$export_dir" -type f | wc -l)"
printf '%-40s %12s %9s %10s\n' "" bytes wall_s peak_kB
printf '%-40s %12s %9s %10s\n' "panya pack (small+low, cold)" "$both" "$cold_t" "$cold_m"
printf '%-40s %12s %9s %10s\n' "panya pack (low only, cold)" "$low" "$low_t" "$low_m"
printf '%-40s %12s %9s %10s\n' "panya repack, one lesson changed (warm)" "-" "$warm_t" "$warm_m"
printf '%-40s %12s %9s %10s\n' "scripted ffmpeg + cwebp + zip -9" "$scripted" "$script_t" "$script_m"
printf 'bytes: panya(small+low)/scripted = %s, panya(low)/scripted = %s\n' \
    "$(ratio "$both" "$scripted")" "$(ratio "$low" "$scripted")"
printf 'time: panya cold/scripted = %s; warm repack/cold = %s\n' \
    "$(ratio "$cold_t" "$script_t")" "$(ratio "$warm_t" "$cold_t")"
