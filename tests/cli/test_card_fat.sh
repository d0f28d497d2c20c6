#!/bin/bash
# panya copy to a real FAT32 filesystem mounted with fusefat, which reports zero total and
# free blocks: free space is "unknown", so a card that fills up fails on the write itself.
source "$(dirname "$0")/sideload_lib.sh"
need_fuse fusefat mkfs.vfat python3

truncate -s 40M fat.img
mkfs.vfat -F 32 -s 1 -n PANYA fat.img >/dev/null 2>&1 || fail "mkfs.vfat failed"
mkdir card
fusefat -o rw+ fat.img card >/dev/null 2>&1 || {
    echo "SKIP: fusefat cannot mount here" >&2
    exit 77
}
cleanup_hooks+=("fusermount -u '$WORK/card' 2>/dev/null")

make_lesson_folder small 1 300 200
make_lesson_folder big 2 46000
expect_exit 0 "$PANYA" pack small -o small.panya --profile source -q
expect_exit 0 "$PANYA" pack big -o big.panya --profile source -q --no-dictionaries

expect_exit 0 "$PANYA" copy small.panya card
expect_text "card: OK: 1 copied"
expect_text "(FAT)"
expect_text "free space unknown"
cmp -s small.panya card/small.panya || fail "copy differs"

# A pack bigger than the card: nothing can tell in advance, the write fails cleanly.
expect_exit 3 "$PANYA" copy big.panya card
expect_text "card: FAILED"
expect_text "full"
[ "$(cat out err | grep -o 'bytes written' | wc -l)" -eq 1 ] ||
    fail "the disk-full message repeats itself"
[ ! -e card/big.panya ] || fail "a partial copy got the final name"
[ -z "$(ls -A card | grep tmp)" ] || fail "temporary file left on the full card"
# The card is still usable and its earlier content intact.
expect_exit 0 "$PANYA" verify card/small.panya
rm card/small.panya
expect_exit 0 "$PANYA" copy small.panya card
expect_text "card: OK: 1 copied"
grep -q 'file="small.panya"' card/panya-catalogue.xml || fail "catalogue lacks small.panya"
grep -q 'big.panya' card/panya-catalogue.xml && fail "catalogue lists a pack that is not there"

# A pack over 4 GiB - 1 (a sparse file: the bundle's objects moved up by 4 GiB) is refused
# before anything is written, with the advice to split it.
python3 - small.panya huge.panya <<'PY'
import hashlib, sys
from bundle_layout import footer_size, get_u64, put_u64, rehash_footer
data = open(sys.argv[1], 'rb').read()
size, dict_entry = footer_size(data)
shift = 4 << 30
body, footer = bytearray(data[:-size]), bytearray(data[-size:])
index_offset, index_count = get_u64(footer, 16), get_u64(footer, 24)
dict_offset, dict_count = get_u64(footer, 32), get_u64(footer, 40)
for i in range(index_count):
    put_u64(body, index_offset + 64 * i + 32, get_u64(body, index_offset + 64 * i + 32) + shift)
for d in range(dict_count):
    put_u64(body, dict_offset + dict_entry * d, get_u64(body, dict_offset + dict_entry * d) + shift)
tables = bytes(body[index_offset:dict_offset + dict_entry * dict_count])
# Offsets in the footer: index, dictionary table, manifest, signature, path table, catalogue.
for field in (16, 32, 48, 80) + ((104, 224) if size == 320 else ()):
    if get_u64(footer, field):
        put_u64(footer, field, get_u64(footer, field) + shift)
footer[128:160] = hashlib.sha256(tables).digest()
rehash_footer(footer)
with open(sys.argv[2], 'wb') as f:
    f.write(body[:64])
    f.seek(64 + shift)
    f.write(body[64:] + footer)
PY
expect_exit 0 "$PANYA" verify huge.panya
expect_exit 3 "$PANYA" copy huge.panya card
expect_text "cannot hold a file over 4 GiB - 1: split it"
[ ! -e card/huge.panya ] || fail "huge pack written to FAT32"
echo "card_fat: OK"
