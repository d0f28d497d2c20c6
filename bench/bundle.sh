#!/bin/bash
# Bundle benchmark (issue: bundle format v1). On the same input in one run, compares
#   panya pack            (one file, random access, checked reads)
#   tar + zstd -19 --long (no random access)
#   zip -9                (random access, per-file deflate)
# by size, pack time and extract time, and times `panya cat` of one small file from a bundle
# of 10,000+ objects against pulling the same file out of the tar.zst and the zip.
# usage: bench/bundle.sh [BUILD_DIR]   (needs ../shared/corpus; not part of the tests)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
panya=$build/panya
corpus=$root/../shared/corpus
measure="python3 $here/measure.py"
[ -x "$panya" ] || { echo "build first: $panya missing" >&2; exit 2; }
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
out=$(mktemp -d "${TMPDIR:-/tmp}/panya-bench-XXXXXX")
trap 'rm -rf "$out"' EXIT

size() { stat -c %s "$1"; }
ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }

compare() { # compare NAME DIR
    local name=$1 dir=$2 parent base
    parent=$(dirname "$dir")
    base=$(basename "$dir")
    local in_bytes
    in_bytes=$(du -sb "$dir" | cut -f1)
    read -r p_time p_mem < <($measure -- "$panya" pack "$dir" -o "$out/$name.panya" -q --profile source --source folder)
    read -r t_time t_mem < <($measure -- sh -c "tar -C '$parent' -cf - '$base' | zstd -19 --long -T0 -q -o '$out/$name.tar.zst'")
    read -r z_time z_mem < <($measure -- sh -c "cd '$parent' && zip -q -9 -r -X '$out/$name.zip' '$base'")
    read -r pe_time _ < <($measure -- "$panya" extract "$out/$name.panya" "$out/$name-px" -q)
    mkdir -p "$out/$name-tx" "$out/$name-zx"
    read -r te_time _ < <($measure -- sh -c "zstd -dc --long=31 '$out/$name.tar.zst' | tar -C '$out/$name-tx' -xf -")
    read -r ze_time _ < <($measure -- unzip -q "$out/$name.zip" -d "$out/$name-zx")
    diff -r "$dir" "$out/$name-px" >/dev/null || echo "WARNING: $name extract differs" >&2
    local pb tb zb
    pb=$(size "$out/$name.panya"); tb=$(size "$out/$name.tar.zst"); zb=$(size "$out/$name.zip")
    printf '\n%s: %s files, %s bytes in\n' "$name" "$(find "$dir" -type f | wc -l)" "$in_bytes"
    printf '  %-22s %12s %9s %9s %10s\n' tool bytes pack_s extract_s peak_kB
    printf '  %-22s %12s %9s %9s %10s\n' "panya pack" "$pb" "$p_time" "$pe_time" "$p_mem"
    printf '  %-22s %12s %9s %9s %10s\n' "tar + zstd -19 --long" "$tb" "$t_time" "$te_time" "$t_mem"
    printf '  %-22s %12s %9s %9s %10s\n' "zip -9" "$zb" "$z_time" "$ze_time" "$z_mem"
    printf '  size: panya/tar.zst = %s, panya/zip = %s\n' "$(ratio "$pb" "$tb")" "$(ratio "$pb" "$zb")"
    printf '  pack time: panya/tar.zst = %s, panya/zip = %s\n' "$(ratio "$p_time" "$t_time")" "$(ratio "$p_time" "$z_time")"
}

compare scorm-valid "$corpus/scorm/valid"
compare media "$corpus/media"

# Random access: one small file from 10,000+ objects.
many=$out/many/lessons
mkdir -p "$many"
python3 - "$many" <<'PY'
import os, sys
root = sys.argv[1]
for c in range(100):
    d = os.path.join(root, f"course-{c:03d}")
    os.makedirs(d)
    for l in range(105):
        with open(os.path.join(d, f"lesson-{l:03d}.html"), "w") as f:
            f.write(f"<!DOCTYPE html><html lang=\"lo\"><head><meta charset=\"utf-8\">"
                    f"<title>ບົດທີ {l} ວິຊາ {c}</title></head><body><h1>Lesson {l} of course {c}</h1>"
                    f"<p>ນັບເລກຈາກ {l} ຫາ {l * c}. Count from {l} to {l * c}.</p></body></html>\n")
PY
target=lessons/course-042/lesson-077.html
"$panya" pack "$out/many/lessons" -o "$out/many.panya" -q --profile source --source folder
(cd "$out/many" && tar -cf - lessons | zstd -19 --long -T0 -q -o "$out/many.tar.zst")
(cd "$out/many" && zip -q -9 -r -X "$out/many.zip" lessons)
objects=$("$panya" inspect --json "$out/many.panya" | python3 -c 'import json,sys; print(json.load(sys.stdin)["objects"])')
best() { # best-of-5 wall time of a command
    $measure --best 5 -- "$@" | cut -d' ' -f1
}
c_panya=$(best "$panya" cat "$out/many.panya" "${target#lessons/}")
c_tar=$(best sh -c "zstd -dc --long=31 '$out/many.tar.zst' | tar -xOf - '$target'")
c_zip=$(best unzip -p "$out/many.zip" "$target")
printf '\nrandom access: cat one file from %s objects (best of 5)\n' "$objects"
printf '  panya cat %ss, tar.zst %ss, unzip -p %ss; tar.zst/panya = %s, zip/panya = %s\n' \
    "$c_panya" "$c_tar" "$c_zip" "$(ratio "$c_tar" "$c_panya")" "$(ratio "$c_zip" "$c_panya")"
printf '  sizes: panya %s, tar.zst %s, zip %s\n' "$(size "$out/many.panya")" "$(size "$out/many.tar.zst")" "$(size "$out/many.zip")"
