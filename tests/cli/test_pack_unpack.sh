#!/bin/bash
# Zips in pack inputs: one unpack budget for the whole pack (nested zips do not multiply the
# limits), zip bombs and damaged zips named as such with exit 1, a full disk said as such,
# legacy-encoded entry names named, no private staging path in any message, long paths that
# keep their reason, and a staging folder that never outlives the pack (SIGTERM, stale
# folders of killed packs). Hardening review findings 4, 13-15 and 21.
. "$(dirname "$0")/lib.sh"
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
pack() { "$PANYA" pack "$@" --cache "$WORK/cache"; }
no_staging_paths() {
    grep -q "panya-pack-" "$WORK/err" "$WORK/out" && fail "a message names a private staging path: $(grep -h panya-pack- "$WORK/err" "$WORK/out" | head -2)"
}

# Finding 14: a ratio bomb and a damaged zip, detected automatically: the limit or the
# damage, exit 1, and the zip named once.
python3 - "$WORK/bomb.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    zi = zipfile.ZipInfo("course/1 a.pdf"); zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, "w", force_zip64=True) as f:
        for _ in range(300):
            f.write(b"\0" * (1 << 20))
PY
expect_exit 1 pack "$WORK/bomb.zip" -o "$WORK/b.panya" --profile source
expect_in "$WORK/err" "zip bomb"
grep -q "bomb.zip: .*bomb.zip: " "$WORK/err" && fail "doubled prefix: $(cat "$WORK/err")"
python3 - "$WORK/damaged.zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("course/1 a.pdf", os.urandom(1000) * 50)
data = bytearray(open(sys.argv[1], "rb").read())
for i in range(200, 400):
    data[i] ^= 0x55
open(sys.argv[1], "wb").write(data)
PY
expect_exit 1 pack "$WORK/damaged.zip" -o "$WORK/d.panya" --profile source
expect_in "$WORK/err" "damaged.zip"
grep -q "not a SCORM package, a KPL course export" "$WORK/err" && fail "a damaged zip called 'not a package'"

# Finding 4: a 70 KB export of lesson zips that each unpack to 230 MB. The budget is one for
# the whole pack, so this stops at about 200 times the export's size, naming it.
python3 - "$WORK/nested_bomb.zip" <<'PY'
import io, os, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    z.writestr("index.html", "<html>hi</html>")
    zi = zipfile.ZipInfo("pad.dat"); zi.compress_type = zipfile.ZIP_STORED
    z.writestr(zi, b"\0" * (1 << 20))
    zi = zipfile.ZipInfo("z.dat"); zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, "w") as f:
        for _ in range(230):
            f.write(b"\0" * (1 << 20))
inner = b.getvalue()
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for i in range(5):
        zi = zipfile.ZipInfo("course/%d l.zip" % (i + 1)); zi.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zi, inner)
    zi = zipfile.ZipInfo("course/9 pad.pdf"); zi.compress_type = zipfile.ZIP_STORED
    z.writestr(zi, os.urandom(60000))
PY
peak_file=$WORK/peak
( peak=0; while [ ! -e "$WORK/stop" ]; do
      kb=$(du -sk "$TMPDIR" 2>/dev/null | cut -f1); [ "${kb:-0}" -gt "$peak" ] && peak=$kb
      echo "$peak" >"$peak_file"; sleep 0.05
  done ) &
watcher=$!
expect_exit 1 pack "$WORK/nested_bomb.zip" -o "$WORK/nb.panya" --profile source
touch "$WORK/stop"; wait "$watcher"
expect_in "$WORK/err" "nested_bomb.zip: its archives, with the archives inside them, unpack to more than 200 times their size"
expect_in "$WORK/err" "zip bomb"
no_staging_paths
peak=$(cat "$peak_file")
echo "nested bomb: peak staging ${peak} KB"
[ "$peak" -lt 40000 ] || fail "the nested bomb staged ${peak} KB"
[ -z "$(ls -A "$TMPDIR")" ] || fail "staging left behind: $(ls -A "$TMPDIR")"

# Finding 15: a CP437 entry name is named as such, with the zip, and no staging path; an
# invalid SCORM package inside a zipped export is named by the export.
python3 - "$WORK/bad.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("course/1 a.pdf", "%PDF")
    z.writestr("course/2 X.pdf", "%PDF")
d = open(sys.argv[1], "rb").read().replace(b"course/2 X.pdf", b"course/2 \x81.pdf")
open(sys.argv[1], "wb").write(d)
PY
expect_exit 1 pack "$WORK/bad.zip" -o "$WORK/bad.panya" --profile source
expect_in "$WORK/err" "bad.zip: entry 'course/2 \\x81.pdf': the name is not UTF-8 (a legacy code page"
no_staging_paths
python3 - "$WORK/export.zip" <<'PY'
import io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    z.writestr("imsmanifest.xml", '<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"><organizations default="o"><organization identifier="o"><title>t</title><item identifier="i" identifierref="nowhere"><title>t</title></item></organization></organizations><resources/></manifest>')
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("course/1 pkg.zip", b.getvalue())
PY
expect_exit 1 pack "$WORK/export.zip" -o "$WORK/e.panya" --profile source
expect_in "$WORK/err" "export.zip: course/1 pkg.zip: this SCORM package will not play"
no_staging_paths

# Finding 4: a full staging disk is said as such (not "Success"), before and while writing.
if unshare -rm true 2>/dev/null; then
    python3 - "$WORK/big.zip" "$WORK/streamed.zip" <<'PY'
import os, sys, zipfile
data = os.urandom(6 << 20)
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("course/1 big.pdf", data)
class Pipe:  # not seekable: sizes go in data descriptors, unknown while unpacking
    def __init__(self, f): self.f = f; self.n = 0
    def write(self, b): self.n += len(b); return self.f.write(b)
    def tell(self): return self.n
    def flush(self): self.f.flush()
with open(sys.argv[2], "wb") as out:
    with zipfile.ZipFile(Pipe(out), "w") as z:
        with z.open("course/1 big.pdf", "w") as f:
            f.write(data)
PY
    mkdir -p "$WORK/small"
    for zip in big streamed; do
        unshare -rm sh -c 'mount -t tmpfs -o size=4m tmpfs "$1" && TMPDIR="$1" "$PANYA" pack "$2" -o "$3" --profile source' \
            sh "$WORK/small" "$WORK/$zip.zip" "$WORK/$zip.panya" >"$WORK/out" 2>"$WORK/err"
        [ $? = 3 ] || fail "$zip: a full staging disk did not exit 3: $(cat "$WORK/err")"
        expect_in "$WORK/err" "$zip.zip: cannot unpack 'course/1 big.pdf': the disk is full"
        grep -q Success "$WORK/err" && fail "$zip: disk full reported as 'Success'"
        no_staging_paths
    done
else
    echo "no user namespaces: the full-disk checks are skipped"
fi

# Finding 21: a path too long for the message loses its middle, never its reason.
python3 - "$WORK/deep" <<'PY'
import os, sys
os.makedirs(sys.argv[1]); os.chdir(sys.argv[1])
for i in range(17):
    n = ("m%03d" % i) * 62
    os.mkdir(n); os.chdir(n)
open("x.txt", "w").write("x")
PY
pack "$WORK/deep" -o "$WORK/deep.panya" --profile source >"$WORK/out" 2>"$WORK/err" && fail "a path too long was packed"
expect_in "$WORK/err" "…"
grep -qE "File name too long|nested more than" "$WORK/err" || fail "the reason was cut off: $(tail -c 200 "$WORK/err")"
[ "$(wc -c <"$WORK/err")" -lt 2100 ] || fail "the message is $(wc -c <"$WORK/err") bytes"

# Finding 13: SIGTERM removes the staging folder, and the exit status says SIGTERM.
if command -v ffmpeg >/dev/null; then
    mkdir -p "$WORK/slow/course"
    ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc=size=1280x720:rate=25:duration=30" \
        -c:v mpeg4 -q:v 2 "$WORK/slow/course/1 v.mp4"
    (cd "$WORK/slow" && python3 -c "
import zipfile; z = zipfile.ZipFile('../slow.zip', 'w'); z.write('course/1 v.mp4'); z.close()")
    "$PANYA" pack "$WORK/slow.zip" -o "$WORK/slow.panya" --cache "$WORK/slowcache" --threads 1 -q &
    pid=$!
    for _ in $(seq 100); do
        [ -n "$(find "$TMPDIR" -name '1 v.mp4' 2>/dev/null)" ] && break
        sleep 0.1
    done
    sleep 0.5
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    [ "$rc" = 143 ] || fail "SIGTERM during pack: exit $rc, wanted 143"
    [ -z "$(ls -A "$TMPDIR")" ] || fail "SIGTERM left the staging folder: $(ls -A "$TMPDIR")"
fi

# Stale staging folders of killed packs (over an hour old) are swept by the next pack;
# recent ones, and old ones a running pack still holds, are kept.
mkdir -p "$TMPDIR/panya-pack-Old123/0/course" "$TMPDIR/panya-pack-New123" "$TMPDIR/panya-pack-Run123"
echo x >"$TMPDIR/panya-pack-Old123/0/course/1 a.pdf"
touch -d '2 hours ago' "$TMPDIR/panya-pack-Old123" "$TMPDIR/panya-pack-Run123"
flock "$TMPDIR/panya-pack-Run123" sleep 5 &
holder=$!
sleep 0.3
mkdir -p "$WORK/tiny" && echo hi >"$WORK/tiny/a.txt"
expect_exit 0 pack "$WORK/tiny" -o "$WORK/tiny.panya" --profile source
[ -e "$TMPDIR/panya-pack-Old123" ] && fail "a stale staging folder was not swept"
[ -e "$TMPDIR/panya-pack-New123" ] || fail "a recent staging folder was swept"
[ -e "$TMPDIR/panya-pack-Run123" ] || fail "a staging folder in use was swept"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

finish
