# Shared by the CLI tests: sourced, never run. Each test gets a scratch folder in $WORK.
set -u
: "${PANYA:?PANYA must point at the built panya binary}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/panya-cli-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILURES=0

fail() {
    echo "FAIL: $*" >&2
    FAILURES=$((FAILURES + 1))
}

# expect_exit CODE CMD...: runs CMD, keeps stdout/stderr in $WORK/out and $WORK/err.
expect_exit() {
    local want=$1
    shift
    "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "exit $got (wanted $want): $*"
        sed 's/^/    stderr: /' "$WORK/err" | head -5 >&2
    fi
}

# expect_in FILE TEXT: FILE contains TEXT.
expect_in() {
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks '$2': $(head -c 400 "$1")"
}

# flip_byte FILE OFFSET: changes one bit of the byte at OFFSET (negative: from the end).
flip_byte() {
    python3 - "$1" "$2" <<'PY'
import os, sys
path, offset = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    if offset < 0:
        offset += os.path.getsize(path)
    f.seek(offset)
    b = f.read(1)[0]
    f.seek(offset)
    f.write(bytes([b ^ 0x40]))
PY
}

# json_field FILE EXPR: evaluates a Python expression over the JSON document `d`.
json_field() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# expect_schema NAME FILE: FILE is JSON valid against docs/schemas/NAME.schema.json.
expect_schema() {
    python3 - "$PANYA_SOURCE_ROOT/docs/schemas/$1.schema.json" "$2" <<'PY' || fail "$(basename "$2") does not match the $1 schema"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
for e in errors[:5]:
    print("    %s: %s" % ("/".join(map(str, e.absolute_path)), e.message), file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}

finish() {
    if [ "$FAILURES" -ne 0 ]; then
        echo "$FAILURES check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
