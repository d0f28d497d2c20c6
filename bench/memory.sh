#!/bin/bash
# Pack memory and incompressible-data throughput (issue 12, "Memory bounded by design").
#   1. Peak RSS of `pack --profile source` on generated mixed input of each size in SIZES_MB
#      (40% text in 6 MB files plus one large text file, 30% WAV, 30% random .bin): it must
#      stay flat (under 512 MB) as the input grows.
#   2. Throughput of pack on incompressible files of an unknown type (.bin, random bytes).
# The input is generated under TMPDIR and deleted afterwards. Pass a second build (e.g. of
# an older commit) to compare before/after in the same run.
#   usage: bench/memory.sh [BUILD_DIR [OTHER_BUILD_DIR]]
#   env:   SIZES_MB (default "500 1000"), LEVEL (default 3; 19 is pack's default but makes a
#          1 GB run take a long time on a small machine), RANDOM_MB (default 200)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
builds=("${1:-$root/build}")
[ $# -ge 2 ] && builds+=("$2")
sizes=${SIZES_MB:-500 1000}
level=${LEVEL:-3}
random_mb=${RANDOM_MB:-200}
for b in "${builds[@]}"; do
    [ -x "$b/panya" ] || { echo "needs $b/panya" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/panya-bench-memory-XXXXXX")
trap 'rm -rf "$work"' EXIT

# A WAV header for `bytes` of 16-bit mono 16 kHz PCM.
wav_header() {
    python3 -c "import struct,sys; n=int(sys.argv[1]); sys.stdout.buffer.write(
        b'RIFF'+struct.pack('<I',36+n)+b'WAVEfmt '+struct.pack('<IHHIIHH',16,1,1,16000,32000,2,16)
        +b'data'+struct.pack('<I',n))" "$1"
}

# make_input DIR MB: mixed text, WAV and unknown binaries totalling about MB megabytes.
make_input() {
    local dir=$1/course mb=$2 i
    mkdir -p "$dir"
    local text=$((mb * 40 / 100)) wav=$((mb * 30 / 100)) bin=$((mb * 30 / 100))
    local big=$((text / 2)) small=$(((text - text / 2) / 6))
    head -c $((big * 3 / 4))M /dev/urandom | base64 -w 100 >"$dir/1 notes.txt"
    for ((i = 0; i < small; i++)); do
        head -c 4608K /dev/urandom | base64 -w 100 >"$dir/2 page-$i.html"
    done
    for ((i = 0; i < wav / 50; i++)); do
        # Quiet noise: every sample byte folded into 0..127, so zstd finds something to save.
        { wav_header $((50 << 20)); head -c 50M /dev/urandom | tr '\200-\377' '\000-\177'; } \
            >"$dir/3 sound-$i.wav"
    done
    for ((i = 0; i < bin / 50; i++)); do
        head -c 50M /dev/urandom >"$dir/4 blob-$i.bin"
    done
}

# run BUILD ARGS...: prints "SECONDS PEAK_KB".
run() {
    local b=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$b/panya" "$@" >/dev/null
    cat "$work/time"
}

echo "pack --profile source --level $level: peak RSS by input size"
for mb in $sizes; do
    rm -rf "$work/in"
    make_input "$work/in" "$mb"
    in_bytes=$(du -sb "$work/in" | cut -f1)
    for b in "${builds[@]}"; do
        read -r secs kb < <(run "$b" pack "$work/in" -o "$work/out.panya" --profile source \
            --level "$level" --source folder -q)
        printf '  %-40s input %5d MB  peak %6d MB  %7.1f s  bundle %d MB\n' "$b" \
            $((in_bytes >> 20)) $((kb / 1024)) "$secs" $(($(stat -c %s "$work/out.panya") >> 20))
        rm -f "$work/out.panya"
    done
done
rm -rf "$work/in"

echo "pack of $random_mb MB of random .bin files (unknown type), default level 19"
mkdir -p "$work/rand/course"
for ((i = 0; i < random_mb / 20; i++)); do
    head -c 20M /dev/urandom >"$work/rand/course/$i blob.bin"
done
for b in "${builds[@]}"; do
    read -r secs kb < <(run "$b" pack "$work/rand" -o "$work/rand.panya" --profile source \
        --source folder -q)
    printf '  %-40s %7.1f s  %6.1f MB/s  peak %d MB\n' "$b" "$secs" \
        "$(python3 -c "print($random_mb / max($secs, 0.01))")" $((kb / 1024))
    rm -f "$work/rand.panya"
done
