#!/bin/bash
# panya copy on plain folders, with the LD_PRELOAD fault shim standing in for bad cards:
# parallel cards, skip identical, replace damaged, a counterfeit card, a pulled-out card.
source "$(dirname "$0")/sideload_lib.sh"
: "${PANYA_FAULT_SHIM:?PANYA_FAULT_SHIM must name the fault shim}"
# The shim is not built with the sanitizers; let an ASan panya accept it first in line.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

make_lesson_folder maths 1 900 700 300
make_lesson_folder lao 2 400
expect_exit 0 "$PANYA" pack maths -o maths.panya --profile source -q --title-lo "ຄະນິດສາດ"
expect_exit 0 "$PANYA" pack lao -o lao.panya --profile source -q
mkdir card1 card2

# Two cards in parallel; each gets both packs, checked, and a catalogue.
expect_exit 0 "$PANYA" copy maths.panya lao.panya card1 card2
for card in card1 card2; do
    grep -q "^$card: OK: 2 copied" out || fail "$card not reported OK"
    cmp -s maths.panya $card/maths.panya || fail "$card/maths.panya differs"
    cmp -s lao.panya $card/lao.panya || fail "$card/lao.panya differs"
    grep -q "$card: maths.panya: reading back" out || fail "no read-back step for $card"
done
if command -v xmllint >/dev/null; then
    xmllint --noout --schema "$PANYA_SOURCE_ROOT/manifest/card_catalogue.xsd" \
        card1/panya-catalogue.xml 2>/dev/null || fail "catalogue does not match its schema"
fi
grep -q 'file="maths.panya" size="'"$(stat -c %s maths.panya)"'"' card1/panya-catalogue.xml ||
    fail "catalogue lacks maths.panya with its size"
grep -q 'ຄະນິດສາດ' card1/panya-catalogue.xml || fail "catalogue lost the Lao title"

# A rerun finds identical copies and skips them.
expect_exit 0 "$PANYA" copy maths.panya lao.panya card1
expect_text "card1: OK: 0 copied, 0 replaced, 2 already there"

# A damaged copy (one byte) and a partial one are replaced.
printf '\x00' | dd of=card1/maths.panya bs=1 seek=5000 conv=notrunc status=none
truncate -s 1000 card1/lao.panya
expect_exit 0 "$PANYA" copy maths.panya lao.panya card1
expect_text "card1: OK: 0 copied, 2 replaced, 0 already there"
cmp -s maths.panya card1/maths.panya || fail "damaged copy not replaced"
cmp -s lao.panya card1/lao.panya || fail "partial copy not replaced"

# A counterfeit card: writes succeed, reads past 1 MB return other bytes. The other card
# still gets its copy; the fake one keeps nothing under the final name.
mkdir fake good
expect_exit 4 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/fake" \
    PANYA_FAULT_CORRUPT_FROM=1000000 "$PANYA" copy maths.panya fake good
expect_text "the card returned different data: it may be counterfeit or failing"
expect_text "good: OK: 1 copied"
expect_text "fake: FAILED"
[ ! -e fake/maths.panya ] || fail "a copy that read back wrong kept its name"
[ -z "$(ls -A fake | grep -v panya-catalogue.xml)" ] || fail "temporary files left on the fake card"
cmp -s maths.panya good/maths.panya || fail "the good card's copy differs"

# A card pulled out (process killed) mid-copy: nothing under the final name; a rerun
# removes the leftover and finishes the job.
mkdir pulled
expect_exit 137 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/pulled" \
    PANYA_FAULT_EXIT_AFTER=1500000 "$PANYA" copy maths.panya pulled
[ ! -e pulled/maths.panya ] || fail "a partial copy got the final name"
ls -A pulled | grep -q '^\.maths\.panya\.tmp-' || fail "expected the interrupted temporary file"
# The card has room for the copy only once the leftover is gone: the leftover must not be
# counted as used space (review finding 6: the first rerun said "not enough free space").
capacity=$(($(stat -c %s maths.panya) + 256 * 1024 + 1024 * 1024))
expect_exit 0 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/pulled" \
    PANYA_FAULT_CAPACITY=$capacity "$PANYA" copy maths.panya pulled
expect_text "pulled: OK: 1 copied"
cmp -s maths.panya pulled/maths.panya || fail "rerun did not complete the copy"
[ -z "$(ls -A pulled | grep tmp)" ] || fail "leftover temporary file not removed"

# Bad arguments and bad sources.
expect_exit 2 "$PANYA" copy maths.panya
expect_exit 2 "$PANYA" copy card1
echo "not a bundle" >bogus.panya
expect_exit 1 "$PANYA" copy bogus.panya card2
# A missing DEST, or a file given as DEST, is a usage error found before anything starts
# (review finding 24: it was exit 3 and said "free space unknown").
expect_exit 2 "$PANYA" copy maths.panya "$WORK/missing-card"
expect_text "missing-card"
grep -q "free space unknown" out err && fail "a missing card reported its free space"
touch plainfile
expect_exit 2 "$PANYA" copy maths.panya plainfile
expect_text "plainfile: not a folder"

# A different, whole bundle of the same name is replaced only with --replace (review 24).
mkdir other card4
cp maths.panya other/orig.panya
expect_exit 0 "$PANYA" pack lao -o other/maths.panya --profile source -q
expect_exit 0 "$PANYA" copy other/maths.panya card4
expect_exit 2 "$PANYA" copy maths.panya card4
expect_text "already holds a different bundle named maths.panya"
expect_text "--replace"
cmp -s other/maths.panya card4/maths.panya || fail "a different bundle was replaced without --replace"
expect_exit 0 "$PANYA" copy maths.panya card4 --replace
expect_text "card4: OK: 0 copied, 1 replaced"
cmp -s maths.panya card4/maths.panya || fail "--replace did not replace"

# Names equal but for case: a FAT or exFAT card would keep one file only (review 11).
cp maths.panya other/Maths.panya
expect_exit 2 "$PANYA" copy maths.panya other/Maths.panya card4
expect_text "differ only in case"

# A card that gets nothing new keeps its catalogue untouched (review 24).
touch -d '2001-01-01' card4/panya-catalogue.xml
expect_exit 0 "$PANYA" copy maths.panya card4
[ "$(stat -c %Y card4/panya-catalogue.xml)" = "$(date -d 2001-01-01 +%s)" ] ||
    fail "the catalogue was rewritten although nothing was copied"

# A bundle that verify refuses (footer says "signed", no signature block, footer hash
# recomputed) is not copied (review finding 17).
python3 - maths.panya flagged.panya <<'PY'
import struct, sys
from bundle_layout import footer_size, rehash_footer
data = open(sys.argv[1], 'rb').read()
size, _ = footer_size(data)
footer = bytearray(data[-size:])
struct.pack_into('<I', footer, 12, struct.unpack_from('<I', footer, 12)[0] | 1)
rehash_footer(footer)
open(sys.argv[2], 'wb').write(data[:-size] + bytes(footer))
PY
expect_exit 1 "$PANYA" verify flagged.panya
mkdir card3
expect_exit 1 "$PANYA" copy flagged.panya card3
expect_text "signature block"
[ ! -e card3/flagged.panya ] || fail "a bundle verify refuses was copied"
expect_exit 1 "$PANYA" extract flagged.panya flagged-out
expect_text "signature block"
[ -z "$(find flagged-out -type f 2>/dev/null)" ] || fail "extract wrote a bundle verify refuses"

# extract checks free space from the manifest sizes first (review finding 10): a 1 MB
# disk cannot take maths' 1.9 MB.
mkdir small
expect_exit 3 env LD_PRELOAD="$PANYA_FAULT_SHIM" PANYA_FAULT_DIR="$WORK/small" \
    PANYA_FAULT_CAPACITY=1048576 "$PANYA" extract maths.panya small/x
expect_text "not enough free space"
[ -z "$(find small -type f)" ] || fail "a refused extract wrote files"
echo "copy: OK"
