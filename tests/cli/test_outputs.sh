#!/bin/bash
# An output never destroys an input, and what scripts rely on: every command refuses (exit 2,
# before any work) an output that is one of its inputs, lies inside the folder being packed,
# is a folder or an empty name (a bundle may be written inside the folder it packs, never over
# one of its files); write errors on standard output are exit 3; --keep-going that
# left lessons out is exit 6; usage errors are one line; '-' is standard output.
# Regression tests for findings 1, 5, 16, 19 and 20 of the hardening review.
. "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null || { echo "ffmpeg (used to make test media) is missing"; exit 77; }
cd "$WORK"
# Temporary files of -o - go here, where the test can look for leftovers.
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"

# sums FILE...: one line of SHA-256 sums, to see that an input was left alone.
sums() { sha256sum "$@" | cut -c1-64 | tr '\n' ' '; }

mkdir -p lessons/course
echo "<p>one</p>" >lessons/course/index.html
printf '%%PDF-1.4 exercise\n' >"lessons/course/1 ແບບຝຶກຫັດ.pdf"
ffmpeg -loglevel error -f lavfi -i "sine=frequency=440:duration=1" -c:a aac song.m4a
expect_exit 0 "$PANYA" pack lessons -o old.panya --profile source -q
echo "<p>two</p>" >lessons/course/two.html
expect_exit 0 "$PANYA" pack lessons -o new.panya --profile source -q
before=$(sums old.panya new.panya)

# Finding 1: diff -o OLD or NEW, patch -o OLD, also through a symbolic or a hard link.
ln -s old.panya old-link.panya
ln new.panya new-hard.panya
expect_exit 0 "$PANYA" diff old.panya new.panya -o update.patch
for out in old.panya new.panya old-link.panya new-hard.panya "$WORK/old.panya"; do
    expect_exit 2 "$PANYA" diff old.panya new.panya -o "$out"
    expect_in "$WORK/err" "it would be destroyed"
done
for out in old.panya old-link.panya "$WORK/old.panya" update.patch; do
    expect_exit 2 "$PANYA" patch old.panya update.patch -o "$out"
done
[ "$(sums old.panya new.panya)" = "$before" ] || fail "diff or patch replaced an input"
[ -L old-link.panya ] || fail "the link to OLD was replaced"

# Finding 5: pack and transcode over their own input, or over a file of the folder packed.
cp old.panya copy-of-old.panya
zip -q -r scorm.zip lessons
zip_sum=$(sums scorm.zip song.m4a)
expect_exit 2 "$PANYA" pack scorm.zip -o scorm.zip --profile source
expect_exit 2 "$PANYA" transcode song.m4a --profile low -o song.m4a
expect_exit 2 "$PANYA" transcode song.m4a --profile low -o ./song.m4a
[ "$(sums scorm.zip song.m4a)" = "$zip_sum" ] || fail "pack or transcode replaced its input"
pdf_sum=$(sums "lessons/course/1 ແບບຝຶກຫັດ.pdf")
expect_exit 2 "$PANYA" pack lessons -o "lessons/course/1 ແບບຝຶກຫັດ.pdf" --profile source
expect_in "$WORK/err" "is a file of the input folder"
ln -s "course/1 ແບບຝຶກຫັດ.pdf" lessons/pdf-link
expect_exit 2 "$PANYA" pack lessons -o lessons/pdf-link --profile source
rm lessons/pdf-link
[ "$(sums "lessons/course/1 ແບບຝຶກຫັດ.pdf")" = "$pdf_sum" ] || fail "pack replaced a lesson"
# The same refusal for extract (DIR is the bundle) and copy (the bundle is already in DEST).
expect_exit 2 "$PANYA" extract old.panya old.panya
expect_exit 2 "$PANYA" copy old.panya .
expect_in "$WORK/err" "copied over itself"
[ "$(sums old.panya new.panya)" = "$before" ] || fail "extract or copy replaced an input"

# Finding 20: bad -o and --report paths are refused before any work: no cache is made.
mkdir outdir
expect_exit 2 "$PANYA" pack lessons -o outdir --cache "$WORK/cache1"
expect_in "$WORK/err" "is a folder"
expect_exit 2 "$PANYA" pack lessons -o "" --cache "$WORK/cache1"
expect_in "$WORK/err" "empty"
expect_exit 2 "$PANYA" pack lessons -o missing/x.panya --cache "$WORK/cache1"
expect_in "$WORK/err" "there is no folder missing"
expect_exit 3 "$PANYA" pack lessons -o r.panya --report /proc/x.json --cache "$WORK/cache1"
[ -e r.panya ] && fail "the bundle was written although --report cannot be"
expect_exit 2 "$PANYA" pack lessons -o r.panya --report r.panya --cache "$WORK/cache1"
expect_exit 2 "$PANYA" pack lessons -o r.panya --report lessons/r.json --cache "$WORK/cache1"
[ -e "$WORK/cache1" ] && fail "a refused pack started work (made its cache)"
expect_exit 2 "$PANYA" transcode song.m4a --profile low -o outdir
if [ "$(id -u)" -ne 0 ]; then
    mkdir ro && chmod a-w ro
    expect_exit 3 "$PANYA" pack lessons -o ro/x.panya --cache "$WORK/cache1"
    expect_in "$WORK/err" "cannot create output"
fi

# Finding 19: extract --profile of a profile the bundle lacks is an error; extract makes
# missing parent folders.
expect_exit 2 "$PANYA" extract old.panya xe --profile lwo
expect_in "$WORK/err" "no profile 'lwo'"
expect_in "$WORK/err" "source"
[ -e xe ] && fail "extract --profile NOSUCH wrote files"
expect_exit 0 "$PANYA" extract old.panya deep/er/folder --profile source
[ -f deep/er/folder/course/index.html ] || fail "extract did not create the parent folders"
expect_exit 2 "$PANYA" extract old.panya -
expect_in "$WORK/err" "panya cat"

# Finding 16: write errors on standard output are exit 3, named as such.
if [ -w /dev/full ]; then
    for args in "inspect old.panya" "inspect --json old.panya" "inspect --manifest old.panya" \
        "verify old.panya" "probe song.m4a" "probe --json song.m4a" "--help" "--version" \
        "cat old.panya course/index.html"; do
        # shellcheck disable=SC2086
        "$PANYA" $args >/dev/full 2>"$WORK/err"
        rc=$?
        [ "$rc" -eq 3 ] || fail "panya $args >/dev/full: exit $rc, wanted 3"
        expect_in "$WORK/err" "standard output: No space left on device"
    done
fi

# --keep-going that dropped a lesson exits 6 (partial); the others are packed.
mkdir -p kg/course
echo "<p>fine</p>" >kg/course/page.html
head -c 20000 /dev/urandom >"kg/course/2 broken.mp4"
expect_exit 1 "$PANYA" pack kg -o kg.panya --cache "$WORK/cache2"
expect_exit 6 "$PANYA" pack kg -o kg.panya --cache "$WORK/cache2" --keep-going
expect_in "$WORK/out" "skipped:"
expect_exit 0 "$PANYA" cat kg.panya course/page.html
"$PANYA" --help >help.txt
expect_in help.txt "6  partial"

# Usage errors are one line naming the command, and every command takes -q and -v.
for cmd in pack inspect verify extract cat probe transcode validate keygen copy diff patch; do
    "$PANYA" "$cmd" --no-such-option >/dev/null 2>err.txt
    rc=$?
    [ "$rc" -eq 2 ] || fail "$cmd --no-such-option: exit $rc, wanted 2"
    [ "$(wc -l <err.txt)" -eq 1 ] || fail "$cmd: usage error is not one line: $(cat err.txt)"
    grep -q "^panya $cmd: option '--no-such-option'" err.txt || fail "$cmd: $(cat err.txt)"
    "$PANYA" help "$cmd" | grep -q -- "-q, --quiet" || fail "$cmd --help lacks -q"
    "$PANYA" help "$cmd" | grep -q -- "-v, --verbose" || fail "$cmd --help lacks -v"
done
expect_exit 0 "$PANYA" verify -q old.panya
[ -s "$WORK/out" ] && fail "verify -q printed: $(cat "$WORK/out")"
expect_exit 0 "$PANYA" inspect -v old.panya
expect_in "$WORK/out" "course/index.html"
expect_exit 0 "$PANYA" pack lessons -o v.panya --profile source -v --cache "$WORK/cache3"
expect_in "$WORK/out" "Packed v.panya"

# '-' is standard output where an output is a file; the summary then goes to stderr.
"$PANYA" pack lessons -o - --profile source --cache "$WORK/cache3" >stdout.panya 2>err.txt ||
    fail "pack -o - failed: $(cat err.txt)"
expect_exit 0 "$PANYA" pack lessons -o file.panya --profile source --cache "$WORK/cache3"
cmp -s stdout.panya file.panya || fail "pack -o - differs from pack -o FILE"
grep -q "Packed -" err.txt || fail "pack -o - did not put its summary on stderr"
"$PANYA" patch old.panya update.patch -o - >patched.panya 2>/dev/null || fail "patch -o -"
cmp -s patched.panya new.panya || fail "patch -o - differs from NEW"
"$PANYA" transcode song.m4a --profile low -o - >low.bin 2>err.txt || fail "transcode -o -: $(cat err.txt)"
expect_exit 0 "$PANYA" probe low.bin
expect_in "$WORK/out" "audio"
expect_exit 2 "$PANYA" pack lessons -o - --split 1M
ls -a "$TMPDIR" | grep -q "panya-stdout-" && fail "a temporary file of -o - was left"

# Right after a clone, before scripts/make-samples ran, packing the demo says so.
mkdir -p clone/scripts
cp -r "$PANYA_SOURCE_ROOT/samples" clone/samples
cp "$PANYA_SOURCE_ROOT/scripts/make-samples" clone/scripts/
find clone/samples \( -name '*.mp4' -o -name '*.m4a' -o -name '*.zip' -o -name '*.png' \) -delete
expect_exit 2 "$PANYA" pack clone/samples/ -o demo.panya --cache "$WORK/cache3"
expect_in "$WORK/err" "made by scripts/make-samples"
[ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "more than the make-samples hint: $(cat "$WORK/err")"

# --version names the libraries it runs with.
expect_exit 0 "$PANYA" --version
for lib in libzstd libarchive libxml2 OpenSSL jansson lavc webp; do
    expect_in "$WORK/out" "$lib"
done

finish
