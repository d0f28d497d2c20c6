#!/bin/bash
# Interruptions leave nothing behind, and reruns finish the job (issue 12, review findings 6
# and 13): Ctrl-C and SIGTERM remove the temporaries of pack and copy; what kill -9 leaves
# (output, cache and card temporaries) is removed by the next run.
source "$(dirname "$0")/sideload_lib.sh"
: "${PANYA_FAULT_SHIM:?PANYA_FAULT_SHIM must name the fault shim}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

make_lesson_folder lesson 1 900 700 300
head -c 3000000 /dev/urandom | base64 >lesson/notes.txt
mkdir outdir card

temps() { find "$@" -name '.*.tmp-*' 2>/dev/null; }

# SIGTERM and SIGINT in the middle of writing the bundle: the process dies of the signal
# and no partial bundle stays next to the output.
expect_exit 143 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/outdir" \
    PANYA_FAULT_SIGNAL_AFTER=1000000 "$PANYA" pack lesson -o outdir/l.panya --profile source --level 3 -q
[ -z "$(temps outdir)" ] || fail "SIGTERM left $(temps outdir)"
expect_exit 130 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/outdir" \
    PANYA_FAULT_SIGNAL_AFTER=1000000 PANYA_FAULT_SIGNAL=2 \
    "$PANYA" pack lesson -o outdir/l.panya --profile source --level 3 -q
[ -z "$(temps outdir)" ] || fail "SIGINT left $(temps outdir)"
[ ! -e outdir/l.panya ] || fail "an interrupted pack left a bundle"

# kill -9 cannot be caught: its leftover (no process holds it any more) is removed by the
# next pack to the same output, which is not fooled into packing it either.
expect_exit 137 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/outdir" \
    PANYA_FAULT_EXIT_AFTER=1000000 "$PANYA" pack lesson -o outdir/l.panya --profile source --level 3 -q
[ -n "$(temps outdir)" ] || fail "expected the killed pack's temporary file"
expect_exit 0 "$PANYA" pack lesson -o outdir/l.panya --profile source --level 3 -q
[ -z "$(temps outdir)" ] || fail "stale output temporary not swept: $(temps outdir)"
expect_exit 0 "$PANYA" verify outdir/l.panya

# A temporary that a live process holds is left alone.
exec 9>"outdir/.l.panya.tmp-Live01"
flock 9
expect_exit 0 "$PANYA" pack lesson -o outdir/l.panya --profile source --level 3 -q
[ -e outdir/.l.panya.tmp-Live01 ] || fail "a temporary in use was removed"
exec 9>&-
expect_exit 0 "$PANYA" pack lesson -o outdir/l.panya --profile source --level 3 -q
[ ! -e outdir/.l.panya.tmp-Live01 ] || fail "a released temporary was not removed"

# The transcode cache: a killed transcode's partial output (.KEY.out.tmp-XXXXXX) is swept
# when that entry is made again.
if [ -n "${PANYA_CODECS:-}" ] && [ -e "${PANYA_CODECS:-}" ]; then
    export PANYA_CODECS
    mkdir -p media longer
    python3 - <<'PY'
import struct, math
rate, n = 8000, 8000
pcm = b''.join(struct.pack('<h', int(8000 * math.sin(i / 8))) for i in range(n))
open('media/tone.wav', 'wb').write(b'RIFF' + struct.pack('<I', 36 + len(pcm)) + b'WAVEfmt '
    + struct.pack('<IHHIIHH', 16, 1, 1, rate, rate * 2, 2, 16) + b'data' + struct.pack('<I', len(pcm)) + pcm)
PY
    expect_exit 0 "$PANYA" pack media -o m.panya --cache cache -q
    entry=$(find cache -name '*.out' | head -1)
    [ -n "$entry" ] || fail "no cache entry"
    stale="$(dirname "$entry")/.$(basename "$entry").tmp-Dead01"
    head -c 100000 /dev/urandom >"$stale"
    rm -f "$entry" "${entry%.out}.meta"
    expect_exit 0 "$PANYA" pack media -o m.panya --cache cache -q
    [ ! -e "$stale" ] || fail "stale cache temporary not swept"
    # SIGTERM in the middle of a transcode: the partial cache entry (written by the codecs
    # module, which keeps its own list of temporaries) goes too.
    ffmpeg -nostdin -loglevel error -f lavfi -i "sine=frequency=660:duration=20" \
        -ar 44100 longer/tone.wav 2>/dev/null || python3 - <<'PY'
import struct, math, os
os.makedirs('longer', exist_ok=True)
rate, n = 44100, 44100 * 20
pcm = b''.join(struct.pack('<h', int(8000 * math.sin(i / 8))) for i in range(n))
open('longer/tone.wav', 'wb').write(b'RIFF' + struct.pack('<I', 36 + len(pcm)) + b'WAVEfmt '
    + struct.pack('<IHHIIHH', 16, 1, 1, rate, rate * 2, 2, 16) + b'data' + struct.pack('<I', len(pcm)) + pcm)
PY
    mkdir killcache
    expect_exit 143 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/killcache" \
        PANYA_FAULT_SIGNAL_AFTER=20000 "$PANYA" pack longer -o longer.panya --cache killcache -q
    [ -z "$(temps killcache)" ] || fail "SIGTERM left a partial cache entry: $(temps killcache)"
    # A cache on a full disk costs the cache, not the pack (review finding 24).
    mkdir fullcache
    expect_exit 0 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/fullcache" \
        PANYA_FAULT_FULL_AFTER=0 "$PANYA" pack media -o full.panya --cache fullcache
    expect_text "transcode cache cannot be written"
    expect_exit 0 "$PANYA" verify full.panya
    [ -z "$(find fullcache -type f -name '*.out')" ] || fail "a failed cache entry was kept"
fi

# copy: SIGTERM mid-write removes the partial copy from the card.
expect_exit 0 "$PANYA" pack lesson -o l.panya --profile source --level 3 -q
expect_exit 143 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/card" \
    PANYA_FAULT_SIGNAL_AFTER=1000000 "$PANYA" copy l.panya card -q
[ -z "$(temps card)" ] || fail "SIGTERM left a partial copy on the card: $(temps card)"
[ ! -e card/l.panya ] || fail "an interrupted copy got the final name"
expect_exit 0 "$PANYA" copy l.panya card -q
cmp -s l.panya card/l.panya || fail "rerun did not complete the copy"
echo "interrupt: OK"
