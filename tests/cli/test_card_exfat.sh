#!/bin/bash
# panya copy to a real exFAT filesystem (mkfs.exfat on a loop device, mounted with
# exfat-fuse), which reports its free space: a copy that cannot fit is refused up front.
source "$(dirname "$0")/sideload_lib.sh"
need_fuse mkfs.exfat mount.exfat-fuse losetup
[ -w /dev/loop-control ] || {
    echo "SKIP: loop devices are not available" >&2
    exit 77
}

truncate -s 32M exfat.img
mkfs.exfat exfat.img >/dev/null 2>&1 || fail "mkfs.exfat failed"
loop=$(losetup -f --show exfat.img 2>/dev/null) || {
    echo "SKIP: losetup cannot attach an image here" >&2
    exit 77
}
cleanup_hooks+=("losetup -d '$loop' 2>/dev/null")
mkdir card
mount.exfat-fuse "$loop" card >/dev/null 2>&1 || {
    echo "SKIP: exfat-fuse cannot mount here" >&2
    exit 77
}
cleanup_hooks=("fusermount -u '$WORK/card' 2>/dev/null" "${cleanup_hooks[@]}")

make_lesson_folder small 1 500
make_lesson_folder big 2 20000
make_lesson_folder bigger 3 20000
expect_exit 0 "$PANYA" pack small -o small.panya --profile source -q
expect_exit 0 "$PANYA" pack big -o big.panya --profile source -q --no-dictionaries
expect_exit 0 "$PANYA" pack bigger -o bigger.panya --profile source -q --no-dictionaries

expect_exit 0 "$PANYA" copy small.panya card
expect_text "card: OK: 1 copied"
expect_text "free before"
grep -q "(FAT)" out && fail "exFAT taken for FAT32"

# 40 MB cannot fit in what is left of 32 MB: refused before anything is written.
before=$(ls -A card)
expect_exit 3 "$PANYA" copy big.panya bigger.panya small.panya card
expect_text "not enough free space"
expect_text "nothing was copied"
[ "$(ls -A card)" = "$before" ] || fail "the card changed although the copy was refused"
# One of them fits.
expect_exit 0 "$PANYA" copy big.panya small.panya card
expect_text "card: OK: 1 copied, 0 replaced, 1 already there"
cmp -s big.panya card/big.panya || fail "copy differs"

# extract checks the free space from the manifest sizes before writing (review finding 10).
expect_exit 3 "$PANYA" extract bigger.panya card/bigger
expect_text "not enough free space"
[ -z "$(find card/bigger -type f 2>/dev/null)" ] || fail "a refused extract wrote files"

# Names that differ only in case: pack warns (--strict refuses), and extract onto exFAT,
# which ignores case, reports the collision instead of keeping one file (review 11).
mkdir -p case/c
echo one >"case/c/1 Lesson.txt"
echo two >"case/c/1 lesson.txt"
expect_exit 0 "$PANYA" pack case -o case.panya --profile source --source folder
expect_text "differ only in case"
expect_exit 1 "$PANYA" pack case -o case2.panya --profile source --source folder --strict
expect_exit 3 "$PANYA" extract case.panya card/case
expect_text "are one name on this disk"
# On a disk that keeps case apart, both files come out.
expect_exit 0 "$PANYA" extract case.panya plain
[ "$(cat "plain/c/1 Lesson.txt")" = one ] && [ "$(cat "plain/c/1 lesson.txt")" = two ] ||
    fail "extract to a case-sensitive disk lost a file"
echo "card_exfat: OK"
