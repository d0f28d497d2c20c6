#!/bin/bash
# The reader library embeds: `meson install --destdir`, then the example program and the JNI
# binding are built against the *installed* header and pkg-config file (no build tree), and
# read a bundle: catalogue, one lesson file, a raw media file by descriptor + offset + length.
# The installed library links libzstd and libc only.
. "$(dirname "$0")/lib.sh"
build=$(dirname "$PANYA")
dest=$WORK/dest
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log" >&2; fail "meson install"; finish; }
pc=$(find "$dest" -name panya.pc | head -1)
[ -n "$pc" ] || { fail "no panya.pc installed"; finish; }
lib=$(find "$dest" -name 'libpanya.so.*' -type f | head -1)
[ -n "$lib" ] || { fail "no libpanya.so.N installed"; finish; }
[ -n "$(find "$dest" -name libpanya.a)" ] || fail "no static libpanya.a installed"
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dest
export LD_LIBRARY_PATH=$(dirname "$lib")

# A sanitizer build: programs linking the library need the same runtime flags, and java
# must preload the runtime (and leave SIGSEGV to the JVM).
san=()
if ldd "$lib" | grep -q 'libasan'; then
    san=(-fsanitize=address,undefined)
    export ASAN_OPTIONS=detect_leaks=0:handle_segv=0
fi

# What the installed library needs at run time: libzstd, libc and the loader only. (A
# sanitizer build pulls the runtimes' own libraries in; tests/tools/check_library.py checks
# its direct needs there.)
if [ ${#san[@]} -eq 0 ]; then
    ldd "$lib" | awk '{print $1}' | grep -vE '^(linux-vdso\.so|libzstd\.so|libc\.so|/lib64/ld-linux)' \
        >"$WORK/extra" && fail "libpanya links more than libzstd and libc: $(tr '\n' ' ' <"$WORK/extra")"
fi
nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | grep -v '^panya_' >"$WORK/exports" &&
    fail "libpanya exports non-panya_ symbols: $(head -5 "$WORK/exports" | tr '\n' ' ')"

# A small course: a lesson page (compressed text) and a PDF big enough to be stored raw.
course="$WORK/in/ຄະນິດສາດ"
mkdir -p "$course/2 ຮູບຮ່າງ"
head -c 300000 /dev/urandom >"$course/1 ແບບຝຶກຫັດ.pdf"
printf '<!doctype html><title>ຮູບຮ່າງ</title><p>ສາມແຈ, ສີ່ແຈ</p>\n' >"$course/2 ຮູບຮ່າງ/index.html"
(cd "$course/2 ຮູບຮ່າງ" && zip -q -X ../"2 ຮູບຮ່າງ.zip" index.html) && rm -r "$course/2 ຮູບຮ່າງ"
expect_exit 0 "$PANYA" pack "$WORK/in" -o "$WORK/b.panya" --profile source --cache "$WORK/cache"
page="ຄະນິດສາດ/2 ຮູບຮ່າງ/index.html"
media="ຄະນິດສາດ/1 ແບບຝຶກຫັດ.pdf"
"$PANYA" cat "$WORK/b.panya" "$page" >"$WORK/page.want" || fail "panya cat page"
"$PANYA" cat "$WORK/b.panya" "$media" >"$WORK/media.want" || fail "panya cat media"

# The example program, compiled against the installed header and pkg-config file.
cc -std=c99 -Wall -Wextra -Werror "${san[@]}" "$PANYA_SOURCE_ROOT/examples/panya_catalogue.c" \
    $(pkg-config --cflags --libs panya) -o "$WORK/panya-catalogue" 2>"$WORK/cc.err" ||
    { cat "$WORK/cc.err" >&2; fail "example does not build against the installed library"; }
expect_exit 0 "$WORK/panya-catalogue" "$WORK/b.panya"
expect_in "$WORK/out" "ຄະນິດສາດ"
expect_in "$WORK/out" "format 1.1"
expect_in "$WORK/out" "html ຄະນິດສາດ/2 ຮູບຮ່າງ (opens $page)"
expect_exit 0 "$WORK/panya-catalogue" "$WORK/b.panya" "$page"
cmp -s "$WORK/out" "$WORK/page.want" || fail "example's copy of the page differs from panya cat"
expect_exit 1 "$WORK/panya-catalogue" "$WORK/b.panya" "no/such.html"
# The static library links too.
cc -std=c99 "${san[@]}" "$PANYA_SOURCE_ROOT/examples/panya_catalogue.c" $(pkg-config --cflags panya) \
    "$(find "$dest" -name libpanya.a | head -1)" -lzstd -lpthread -o "$WORK/panya-catalogue-static" ||
    fail "example does not link statically"
expect_exit 0 "$WORK/panya-catalogue-static" "$WORK/b.panya" "$page"

# The JNI binding and its Java class, on Debian's OpenJDK, opening the bundle by descriptor
# inside a larger file (as an app gets a file picked on an SD card).
if command -v javac >/dev/null && command -v java >/dev/null; then
    jhome=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    jni=$PANYA_SOURCE_ROOT/bindings/jni
    cc -std=c99 -Wall -Wextra -Werror "${san[@]}" -shared -fPIC "$jni/panya_jni.c" -I"$jhome/include" \
        -I"$jhome/include/linux" $(pkg-config --cflags --libs panya) -o "$WORK/libpanya_jni.so" \
        2>"$WORK/cc.err" || { cat "$WORK/cc.err" >&2; fail "JNI binding does not build"; }
    javac -d "$WORK/classes" "$jni"/la/panya/*.java "$jni/test/BundleTest.java" ||
        fail "javac"
    head -c 12345 /dev/urandom >"$WORK/outer.bin"
    cat "$WORK/b.panya" >>"$WORK/outer.bin"
    head -c 999 /dev/urandom >>"$WORK/outer.bin"
    preload=()
    [ ${#san[@]} -gt 0 ] && preload=(env "LD_PRELOAD=$(cc -print-file-name=libasan.so) $(cc -print-file-name=libubsan.so)")
    expect_exit 0 "${preload[@]}" java -Djava.library.path="$WORK" -cp "$WORK/classes" BundleTest \
        "$WORK/outer.bin" 12345 "$(stat -c %s "$WORK/b.panya")" "$page" "$WORK/page.want" \
        "$media" "$WORK/media.want"
    expect_in "$WORK/out" "course"
    expect_in "$WORK/out" "opens $page"
    expect_in "$WORK/out" "media $media: offset"
else
    echo "no JDK (javac, java): JNI part skipped"
fi
finish
