#!/bin/bash
# panya diff / panya patch: round trips reproduce NEW byte for byte (also signed), a wrong
# base and a damaged patch fail without writing anything.
source "$(dirname "$0")/sideload_lib.sh"

make_lesson_folder v1 1 300 200 100
for i in 1 2 3; do seq 1 $((i * 1500)) | sed "s/^/lesson $i line /" >"v1/page$i.html"; done
cp -r v1 v2
rm v2/media/clip2.mp4
head -c 150000 /dev/urandom >v2/media/clip9.mp4
echo "<p>one more line</p>" >>v2/page1.html
expect_exit 0 "$PANYA" keygen -o key
expect_exit 0 "$PANYA" pack v1 -o old.panya --profile source -q --id course
expect_exit 0 "$PANYA" pack v2 -o new.panya --profile source -q --id course --pack-version 2 --sign key.key

expect_exit 0 "$PANYA" diff old.panya new.panya -o update.patch
expect_text "objects copied from the old bundle"
[ "$(stat -c %s update.patch)" -lt $(($(stat -c %s new.panya) / 2)) ] ||
    fail "the patch is not much smaller than the new bundle"
expect_exit 0 "$PANYA" patch old.panya update.patch -o rebuilt.panya
cmp -s new.panya rebuilt.panya || fail "the patched bundle differs from NEW"
expect_exit 0 "$PANYA" verify --key key.pub rebuilt.panya
expect_text "signed by"

# Backwards, and between identical bundles.
expect_exit 0 "$PANYA" diff new.panya old.panya -o back.patch
expect_exit 0 "$PANYA" patch new.panya back.patch -o old-again.panya
cmp -s old.panya old-again.panya || fail "the backwards patch does not rebuild OLD"
expect_exit 0 "$PANYA" diff old.panya old.panya -o same.patch
[ "$(stat -c %s same.patch)" -lt 1024 ] || fail "a patch between identical bundles is not tiny"
expect_exit 0 "$PANYA" patch old.panya same.patch -o same.panya
cmp -s old.panya same.panya || fail "the empty patch does not rebuild OLD"

# The wrong base: refused, and an earlier output stays as it was.
cp old.panya keep.panya
expect_exit 1 "$PANYA" patch new.panya update.patch -o keep.panya
expect_text "is not the bundle update.patch was made from"
cmp -s old.panya keep.panya || fail "a failed patch touched the output"
expect_exit 1 "$PANYA" patch old-again.panya back.patch -o x.panya
[ ! -e x.panya ] || fail "output written from the wrong base"

# Damaged patches: a byte of the literal data, a byte of the header, a cut-off end.
size=$(stat -c %s update.patch)
cp update.patch literal.patch
printf '\xff' | dd of=literal.patch bs=1 seek=$((size - 100)) conv=notrunc status=none
expect_exit 1 "$PANYA" patch old.panya literal.patch -o x.panya
expect_text "the patch is damaged"
cp update.patch header.patch
printf '\x07' | dd of=header.patch bs=1 seek=100 conv=notrunc status=none
expect_exit 1 "$PANYA" patch old.panya header.patch -o x.panya
expect_text "the patch is damaged"
head -c $((size - 10)) update.patch >short.patch
expect_exit 1 "$PANYA" patch old.panya short.patch -o x.panya
[ ! -e x.panya ] || fail "output written from a damaged patch"
expect_exit 1 "$PANYA" patch old.panya v1/page1.html -o x.panya
expect_text "not a panya patch"

# Amplification (review finding 24): a small patch whose segments copy OLD over and over
# would write far more than OLD holds before the final hash check. Refused up front.
python3 - old.panya amplify.patch <<'PY'
import hashlib, struct, sys
old = open(sys.argv[1], 'rb').read()
count = 40
head = bytearray(128)
head[0:8] = b'PANYAPCH'
head[8] = 1
struct.pack_into('<Q', head, 16, len(old))
head[24:56] = hashlib.sha256(old).digest()
struct.pack_into('<Q', head, 56, count * len(old))
struct.pack_into('<QQQ', head, 96, count, 0, 0)
segments = b''.join(struct.pack('<BxxxxxxxQQ', 0, 0, len(old)) for _ in range(count))
tables = bytes(head) + segments
open(sys.argv[2], 'wb').write(tables + hashlib.sha256(tables).digest())
PY
expect_exit 1 "$PANYA" patch old.panya amplify.patch -o amplified.panya
expect_text "copy more than the old bundle holds"
[ -z "$(ls -A | grep amplified)" ] || fail "an amplifying patch wrote output"

# A damaged NEW is refused by diff.
cp new.panya broken.panya
printf '\x00' | dd of=broken.panya bs=1 seek=5000 conv=notrunc status=none
expect_exit 1 "$PANYA" diff old.panya broken.panya -o x.patch
expect_exit 2 "$PANYA" diff old.panya -o x.patch
expect_exit 2 "$PANYA" patch old.panya update.patch
echo "patch: OK"
