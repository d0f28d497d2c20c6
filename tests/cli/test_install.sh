#!/bin/bash
# A complete, relocatable install: `meson install --destdir`, the tree moved to another
# prefix, then the installed binary, run from another folder with no build tree in reach,
# packs lessons with video (through its codecs module), validates a SCORM package with the
# installed schemas, renders its man pages and completes its commands in bash.
. "$(dirname "$0")/lib.sh"
: "${PANYA_BUILD_DIR:?PANYA_BUILD_DIR must name the build folder}"
command -v meson >/dev/null || { echo "SKIP: meson is missing"; exit 77; }
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg (used to make test media) is missing"; exit 77; }

meson install -C "$PANYA_BUILD_DIR" --no-rebuild --quiet --destdir "$WORK/dest" >"$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log"; fail "meson install failed"; finish; }
prefix=$(meson introspect "$PANYA_BUILD_DIR" --buildoptions |
    python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
# Moved away from the prefix it was configured for: it must find its parts relative to itself.
mkdir -p "$WORK/elsewhere"
mv "$WORK/dest$prefix" "$WORK/elsewhere/panya"
root=$WORK/elsewhere/panya
installed=$root/bin/panya
[ -x "$installed" ] || fail "no bin/panya in the installed tree"
run() { (cd "$WORK/run" && env -u PANYA_CODECS -u PANYA_SCHEMA_DIR -u PANYA_SHARED "$installed" "$@"); }
mkdir -p "$WORK/run"

# Every part is there.
ls "$root"/lib/*/panya/panya-codecs.so >/dev/null 2>&1 || ls "$root"/lib/panya/panya-codecs.so >/dev/null 2>&1 ||
    fail "the codecs module is not installed"
for xsd in bundle_manifest card_catalogue course profiles xml; do
    [ -f "$root/share/panya/xsd/$xsd.xsd" ] || fail "share/panya/xsd/$xsd.xsd is not installed"
done
[ -f "$root/share/panya/profiles/profiles.xml" ] || fail "the profiles are not installed"
[ -f "$root/share/bash-completion/completions/panya" ] || fail "bash completion is not installed"

# --version names the libraries it runs with, media ones through the installed module.
expect_exit 0 run --version
for lib in libzstd libarchive libxml2 OpenSSL jansson "media (panya-codecs.so)" lavc webp; do
    expect_in "$WORK/out" "$lib"
done

# Packs lessons with a video: the codecs module is found beside the binary.
mkdir -p "$WORK/run/lessons/ຄະນິດສາດ"
ffmpeg -loglevel error -f lavfi -i "testsrc=size=320x240:rate=15:duration=1" -f lavfi -i "sine=duration=1" \
    -shortest -c:v libx264 -c:a aac -pix_fmt yuv420p "$WORK/run/lessons/ຄະນິດສາດ/1 clip.mp4"
echo "<p>ສະບາຍດີ</p>" >"$WORK/run/lessons/ຄະນິດສາດ/index.html"
expect_exit 0 run pack lessons -o lessons.panya --cache "$WORK/cache"
expect_in "$WORK/out" "profile small"
expect_exit 0 run verify lessons.panya
expect_exit 0 run inspect --json lessons.panya
grep -q '"video/mp4"' "$WORK/out" || fail "the installed panya did not transcode the video"

# Validates a SCORM package with the installed schemas (skipped when they were not fetched).
if [ -d "$root/share/panya/schemas" ]; then
    cp -r "$PANYA_SOURCE_ROOT/samples/scorm2004-water-cycle" "$WORK/run/pkg"
    [ -f "$WORK/run/pkg/shared/water-cycle.png" ] ||
        ffmpeg -loglevel error -f lavfi -i "testsrc=size=64x64" -frames:v 1 "$WORK/run/pkg/shared/water-cycle.png"
    expect_exit 0 run validate --strict --format json pkg
    cp "$WORK/out" "$WORK/validate.json"
    used=$(json_field "$WORK/validate.json" 'd["schema_dir"] and __import__("os").path.realpath(d["schema_dir"])')
    [ "$used" = "$(realpath "$root/share/panya/schemas")" ] ||
        fail "validate did not use the installed schemas but $used"
    expect_exit 0 run pack pkg -o pkg.panya --profile source
else
    echo "note: SCORM schemas not installed (deps/npm not fetched); validation part skipped"
fi

# man -l renders every page without warnings; there is one per command.
if command -v man >/dev/null; then
    pages=0
    for page in "$root"/share/man/man1/*.1; do
        pages=$((pages + 1))
        MANWIDTH=80 man --warnings -l "$page" >"$WORK/man.txt" 2>"$WORK/man.err" || fail "man -l $page failed"
        [ -s "$WORK/man.err" ] && fail "man -l $(basename "$page"): $(head -3 "$WORK/man.err")"
        grep -q "NAME" "$WORK/man.txt" || fail "$(basename "$page") has no NAME section"
    done
    for cmd in $(run --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do
        page=$root/share/man/man1/panya-$cmd.1
        [ -f "$page" ] || { fail "no man page for $cmd"; continue; }
        # Every option `panya help CMD` lists is in its page.
        for option in $(run help "$cmd" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
            MANWIDTH=200 man -l "$page" 2>/dev/null | grep -q -- "$option" ||
                fail "panya-$cmd.1 lacks $option"
        done
    done
    [ "$pages" -ge 13 ] || fail "only $pages man pages installed"
else
    echo "note: man is missing; pages not rendered"
fi

# bash completion completes commands and a command's options from the installed binary.
completion=$(PATH="$root/bin:$PATH" bash -c '
    source "$1"
    COMP_WORDS=(panya pa); COMP_CWORD=1; _panya; echo "${COMPREPLY[*]}"
    COMP_WORDS=(panya pack --keep); COMP_CWORD=2; _panya; echo "${COMPREPLY[*]}"' _ \
    "$root/share/bash-completion/completions/panya")
echo "$completion" | grep -q "^pack patch$\|^pack$" || fail "completion of 'pa': $completion"
echo "$completion" | grep -q -- "--keep-going" || fail "completion of 'pack --keep': $completion"

finish
