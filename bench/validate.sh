#!/bin/bash
# Packages validated per second on ../shared/corpus/scorm: panya validate (all 8 stages,
# trusted XSDs) against xmllint --schema on the same manifests (well-formedness + XSD only).
# Both are timed batched (one process for all packages, schemas compiled once) and one process
# per package, as a CI job looping over files would run them. Prints ratios.
#   bench/validate.sh [ROUNDS]   (default 20; BUILD_DIR defaults to build)
set -eu
cd "$(dirname "$0")/.."
rounds=${1:-20}
panya=${BUILD_DIR:-build}/panya
shared=../shared
corpus=$shared/corpus/scorm
schemas=$(cd "$shared/schemas" && pwd)
[ -x "$panya" ] || { echo "build first: ninja -C ${BUILD_DIR:-build}" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "xmllint is needed (libxml2-utils)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The packages, and for xmllint their manifests sorted by SCORM family (zips unpacked first,
# outside the timing).
packages=() m12=() m2004=()
for p in "$corpus"/valid/* "$corpus"/invalid/*; do
    packages+=("$p")
    manifest="$p/imsmanifest.xml"
    if [ -f "$p" ]; then
        manifest="$work/$(basename "$p").xml"
        unzip -p "$p" imsmanifest.xml >"$manifest" 2>/dev/null || continue
    fi
    [ -f "$manifest" ] || continue
    if grep -q imscp_rootv1p1p2 "$manifest"; then m12+=("$manifest"); else m2004+=("$manifest"); fi
done
# Driver schemas and a catalog mapping xml.xsd locally, as panya does internally.
cat >"$work/s12.xsd" <<XSD
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
<xs:import namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2" schemaLocation="$schemas/scorm12/imscp_rootv1p1p2.xsd"/>
<xs:import namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2" schemaLocation="$schemas/scorm12/adlcp_rootv1p2.xsd"/>
<xs:import namespace="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1" schemaLocation="$schemas/scorm12/imsmd_rootv1p2p1.xsd"/>
</xs:schema>
XSD
cat >"$work/s2004.xsd" <<XSD
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
<xs:import namespace="http://www.imsglobal.org/xsd/imscp_v1p1" schemaLocation="$schemas/scorm2004/imscp_v1p1.xsd"/>
<xs:import namespace="http://www.adlnet.org/xsd/adlcp_v1p3" schemaLocation="$schemas/scorm2004/adlcp_v1p3.xsd"/>
<xs:import namespace="http://www.adlnet.org/xsd/adlseq_v1p3" schemaLocation="$schemas/scorm2004/adlseq_v1p3.xsd"/>
<xs:import namespace="http://www.adlnet.org/xsd/adlnav_v1p3" schemaLocation="$schemas/scorm2004/adlnav_v1p3.xsd"/>
<xs:import namespace="http://www.imsglobal.org/xsd/imsss" schemaLocation="$schemas/scorm2004/imsss_v1p0.xsd"/>
<xs:import namespace="http://ltsc.ieee.org/xsd/LOM" schemaLocation="$schemas/scorm2004/lom.xsd"/>
</xs:schema>
XSD
cat >"$work/catalog.xml" <<XML
<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
<system systemId="http://www.w3.org/2001/xml.xsd" uri="file://$schemas/scorm2004/xml.xsd"/>
</catalog>
XML
export XML_CATALOG_FILES="$work/catalog.xml"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }

batch=()
for ((r = 0; r < rounds; r++)); do batch+=("${packages[@]}"); done
total=${#batch[@]}
xml_count=$(( (${#m12[@]} + ${#m2004[@]}) * rounds ))

t0=$(now)
"$panya" validate --schemas "$schemas" "${batch[@]}" >/dev/null || true
t1=$(now)
for p in "${batch[@]}"; do "$panya" validate --schemas "$schemas" "$p" >/dev/null || true; done
t2=$(now)
b12=() b2004=()
for ((r = 0; r < rounds; r++)); do b12+=("${m12[@]}"); b2004+=("${m2004[@]}"); done
xmllint --noout --nonet --schema "$work/s12.xsd" "${b12[@]}" >/dev/null 2>&1 || true
xmllint --noout --nonet --schema "$work/s2004.xsd" "${b2004[@]}" >/dev/null 2>&1 || true
t3=$(now)
for m in "${b12[@]}"; do xmllint --noout --nonet --schema "$work/s12.xsd" "$m" >/dev/null 2>&1 || true; done
for m in "${b2004[@]}"; do xmllint --noout --nonet --schema "$work/s2004.xsd" "$m" >/dev/null 2>&1 || true; done
t4=$(now)

panya_batch=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
panya_each=$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')
xml_batch=$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')
xml_each=$(awk -v a="$t3" -v b="$t4" 'BEGIN { print b - a }')
echo "corpus: ${#packages[@]} packages x $rounds rounds = $total validations" \
     "(xmllint: $xml_count manifests; the malformed one and the two non-SCORM zips give it nothing to check)"
printf '%-34s %10s %14s\n' "" "seconds" "packages/s"
printf '%-34s %10.2f %14s\n' "panya validate, one process" "$panya_batch" "$(rate "$total" "$panya_batch")"
printf '%-34s %10.2f %14s\n' "panya validate, process each" "$panya_each" "$(rate "$total" "$panya_each")"
printf '%-34s %10.2f %14s\n' "xmllint --schema, one per family" "$xml_batch" "$(rate "$xml_count" "$xml_batch")"
printf '%-34s %10.2f %14s\n' "xmllint --schema, process each" "$xml_each" "$(rate "$xml_count" "$xml_each")"
echo "ratio panya/xmllint packages per second (batched): $(awk -v a="$total" -v b="$panya_batch" -v c="$xml_count" -v d="$xml_batch" 'BEGIN { printf "%.2f", (a / b) / (c / d) }')"
echo "ratio panya/xmllint packages per second (process each): $(awk -v a="$total" -v b="$panya_each" -v c="$xml_count" -v d="$xml_each" 'BEGIN { printf "%.2f", (a / b) / (c / d) }')"
