#!/bin/bash
# panya validate end to end on packages this script builds: exit codes, text/JSON/JUnit output,
# --recursive, --strict, --schemas, hostile zips.
set -u
: "${PANYA:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_exit CODE ARGS...: runs panya validate, keeps stdout in $work/out.
expect_exit() {
    local want=$1; shift
    "$PANYA" validate "$@" >"$work/out" 2>"$work/err"
    local got=$?
    [ "$got" -eq "$want" ] || fail "validate $* exited $got, expected $want: $(cat "$work/out" "$work/err")"
}
expect_out() { grep -qF -- "$1" "$work/out" || fail "output lacks '$1': $(cat "$work/out")"; }

make_package() { # make_package DIR [TITLE]
    mkdir -p "$1"
    cat >"$1/imsmanifest.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
<organizations default="org"><organization identifier="org">${2-<title>ບົດຮຽນ</title>}
<item identifier="i1" identifierref="r1"><title>One</title></item>
</organization></organizations>
<resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
<file href="index.html"/></resource></resources>
</manifest>
XML
    echo "<p>ສະບາຍດີ</p>" >"$1/index.html"
}

# Usage errors.
expect_exit 2
expect_exit 2 --bogus "$work"
expect_exit 2 --format yaml "$work"
expect_exit 2 "$work/absent.zip"
expect_exit 2 --schemas "$work/no-schemas" "$work"

# A valid folder; then one with an error; then one with only a warning.
make_package "$work/good"
expect_exit 0 "$work/good"
expect_out "$work/good: VALID (SCORM 1.2), 0 errors, 0 warnings"
expect_out "schema validation skipped"

make_package "$work/untitled" ""
expect_exit 1 "$work/untitled"
expect_out "INVALID"
expect_out "imsmanifest.xml:5 [organization-title]"

make_package "$work/stray"
echo x >"$work/stray/unused.png"
expect_exit 0 "$work/stray"
expect_out "[file-unreferenced]"
expect_exit 1 --strict "$work/stray"
expect_out "--strict fails on warnings"

# Several packages: errors come before warnings, one verdict line each, summary last.
expect_exit 1 "$work/good" "$work/untitled" "$work/stray"
expect_out "3 packages: 2 valid, 1 invalid, 0 not SCORM"

# --recursive finds the three folders (and nothing else).
expect_exit 1 --recursive "$work"
expect_out "3 packages"

# JSON: parseable, with the documented fields.
expect_exit 1 --format json "$work/good" "$work/untitled"
if command -v python3 >/dev/null; then
    python3 - "$work/out" <<'PY' || fail "JSON output does not match docs/VALIDATE.md"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["format"] == "panya-validate" and doc["format_version"] == 1
assert doc["summary"] == {"packages": 2, "valid": 1, "invalid": 1, "not_scorm": 0, "passed": 1}
bad = doc["packages"][1]
assert bad["verdict"] == "invalid" and bad["version"] == "SCORM 1.2"
f = bad["findings"][0]
assert f["rule"] == "organization-title" and f["severity"] == "error"
assert f["file"] == "imsmanifest.xml" and f["line"] == 5 and f["stage"] == 7
PY
else
    expect_out '"rule": "organization-title"'
fi

# JUnit: well-formed, one testsuite per package, the failing rule as a failure.
expect_exit 1 --format junit "$work/good" "$work/untitled"
if command -v xmllint >/dev/null; then
    xmllint --noout "$work/out" || fail "JUnit output is not well-formed XML"
    [ "$(xmllint --xpath 'count(//testsuite)' "$work/out")" = 2 ] || fail "expected 2 testsuites"
    [ "$(xmllint --xpath 'count(//testcase[@name="organization-title"]/failure)' "$work/out")" = 1 ] ||
        fail "organization-title is not a JUnit failure"
    [ "$(xmllint --xpath 'count(//testcase[@name="schema-invalid"]/skipped)' "$work/out")" = 2 ] ||
        fail "skipped schema check is not a JUnit skip"
fi

# Zips: a good one, one with a link and a '..' entry, a non-zip, an AICC course.
if command -v zip >/dev/null; then
    (cd "$work/good" && zip -qr "$work/good.zip" .)
    expect_exit 0 "$work/good.zip"
    mkdir -p "$work/hostile"
    cp -r "$work/good/." "$work/hostile/"
    ln -s /etc/passwd "$work/hostile/passwd"
    (cd "$work/hostile" && zip -qry "$work/hostile.zip" .)
    expect_exit 1 "$work/hostile.zip"
    expect_out "[entry-link]"
    mkdir -p "$work/aicc" && echo x >"$work/aicc/course.au" && echo x >"$work/aicc/course.crs"
    (cd "$work/aicc" && zip -qr "$work/aicc.zip" .)
    expect_exit 1 "$work/aicc.zip"
    expect_out "NOT SCORM (AICC)"
fi
echo "not a zip" >"$work/fake.zip"
expect_exit 1 "$work/fake.zip"
expect_out "[archive-unreadable]"

# Trusted schemas from ../shared when present: the check runs, and says so by not skipping.
if [ -d "${PANYA_SHARED:-}/schemas" ]; then
    expect_exit 0 --schemas "$PANYA_SHARED/schemas" "$work/good"
    grep -q "schema validation skipped" "$work/out" && fail "schemas given but check skipped"
    PANYA_SCHEMA_DIR="$PANYA_SHARED/schemas" expect_exit 0 --format json "$work/good"
    expect_out '"schema_checked": true'
fi

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok"
