# Helpers for the sideloading CLI tests (copy, sign, patch; sourced). Each test runs in its
# own temporary folder and stops at the first failed check.
set -u
: "${PANYA:?PANYA must name the built panya binary}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/panya-test.XXXXXX")
cleanup_hooks=()
cleanup() {
    for hook in "${cleanup_hooks[@]}"; do eval "$hook"; done
    rm -rf "$WORK"
}
trap cleanup EXIT
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$TEST_DIR${PYTHONPATH:+:$PYTHONPATH}" # for bundle_layout.py
cd "$WORK"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_exit CODE CMD...: runs CMD, keeps its output in $WORK/out and $WORK/err.
expect_exit() {
    local want=$1
    shift
    local got=0
    "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
    if [ "$got" -ne "$want" ]; then
        cat "$WORK/out" "$WORK/err" >&2
        fail "exit $got, wanted $want: $*"
    fi
}

expect_text() {
    grep -qF -- "$1" "$WORK/out" "$WORK/err" || {
        cat "$WORK/out" "$WORK/err" >&2
        fail "missing text: $1"
    }
}

# make_lesson_folder DIR SEED KB...: random "media" files of the given sizes and one HTML page.
make_lesson_folder() {
    local dir=$1 seed=$2 i=0
    shift 2
    mkdir -p "$dir/media"
    printf '<html><body>lesson %s</body></html>\n' "$seed" >"$dir/index.html"
    for kb in "$@"; do
        i=$((i + 1))
        head -c $((kb * 1024)) /dev/urandom >"$dir/media/clip$i.mp4"
    done
}

# need_fuse: skips the test (exit 77) unless FUSE mounts can be made here.
need_fuse() {
    [ -c /dev/fuse ] && [ -r /dev/fuse ] && [ -w /dev/fuse ] || {
        echo "SKIP: /dev/fuse is not usable" >&2
        exit 77
    }
    for tool in "$@" fusermount; do
        command -v "$tool" >/dev/null || {
            echo "SKIP: $tool is not installed (scripts/dev installs it)" >&2
            exit 77
        }
    done
}
