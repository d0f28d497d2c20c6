#!/bin/bash
# The reader library against libzim (and plain pread) on the same files, same run:
#   1. open + read one small file from a bundle / ZIM of 10,000+ objects (mean per round);
#   2. random 64 KiB reads of a raw media file (MB/s), and plain pread of the same file.
# Needs an installed build (meson install --destdir), zim-tools (zimwriterfs) and libzim-dev.
#   bench/reader.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=$root/bench/out/reader
rm -rf "$out" && mkdir -p "$out/site"
meson install -C "$build" --destdir "$out/dest" --no-rebuild --quiet >/dev/null
pc=$(dirname "$(find "$out/dest" -name panya.pc | head -1)")
lib=$(dirname "$(find "$out/dest" -name 'libpanya.so.*' -type f | head -1)")
export PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$out/dest LD_LIBRARY_PATH=$lib
cc -O2 "$root/bench/reader_panya.c" $(pkg-config --cflags --libs panya) -o "$out/reader_panya"
g++ -O2 "$root/bench/reader_zim.cc" $(pkg-config --cflags --libs libzim) -o "$out/reader_zim"

# 10,000 small pages, one 40 MB media file (random bytes: stored raw by both), a main page.
python3 - "$out/site" <<'PY'
import os, random, sys
site = sys.argv[1]
random.seed(1)
words = "ບົດຮຽນ lesson water cycle ນ້ຳ rain cloud ຝົນ river sea".split()
for d in range(100):
    os.makedirs(f"{site}/p{d:03d}", exist_ok=True)
    for i in range(100):
        body = " ".join(random.choice(words) for _ in range(60))
        open(f"{site}/p{d:03d}/{i:03d}.html", "w").write(
            f"<!doctype html><html><head><meta charset=utf-8><title>{d}-{i}</title></head>"
            f"<body><p>{body}</p></body></html>\n")
open(f"{site}/index.html", "w").write("<!doctype html><title>main</title><a href=p000/000.html>go</a>\n")
open(f"{site}/favicon.png", "wb").write(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001e2264e250000000049454e44ae426082"))
with open(f"{site}/media.webm", "wb") as f:
    f.write(os.urandom(40 * 1000 * 1000))
PY
"$build/panya" pack "$out/site" -o "$out/site.panya" --profile source --cache "$out/cache" -q
zimwriterfs --welcome=index.html --illustration=favicon.png --language=eng --title=bench \
    --description=bench --creator=panya --publisher=panya --name=bench \
    "$out/site" "$out/site.zim" >/dev/null 2>&1
echo "bundle $(stat -c %s "$out/site.panya") bytes, ZIM $(stat -c %s "$out/site.zim") bytes"
sync
rounds=2000
"$out/reader_panya" "$out/site.panya" p042/042.html media.webm "$out/site/media.webm" $rounds |
    tee "$out/panya.txt"
"$out/reader_zim" "$out/site.zim" p042/042.html media.webm $rounds | tee "$out/zim.txt"
python3 - "$out/panya.txt" "$out/zim.txt" <<'PY'
import sys
def load(p): return {l.split()[0]: float(l.split()[1]) for l in open(p)}
p, z = load(sys.argv[1]), load(sys.argv[2])
print(f"small file: panya {p['small_open_read_us']:.0f} us vs libzim {z['small_open_read_us']:.0f} us"
      f" = {p['small_open_read_us'] / z['small_open_read_us']:.2f}x the time")
print(f"media 64 KiB reads: panya {p['media_panya_MBps']:.0f} MB/s = "
      f"{p['media_panya_MBps'] / p['media_pread_MBps']:.2f}x pread, "
      f"{p['media_panya_MBps'] / z['media_zim_MBps']:.2f}x libzim")
PY
