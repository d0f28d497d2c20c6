#!/bin/bash
# Signing: keygen, pack --sign, verify --key; tampering with the manifest, an object, or the
# key must fail.
source "$(dirname "$0")/sideload_lib.sh"

make_lesson_folder src 1 40 8
expect_exit 0 "$PANYA" keygen -o alice
key_id=$(sed -n 's/^Key \([0-9a-f]*\):.*/\1/p' out)
[ ${#key_id} -eq 16 ] || fail "no key id printed"
[ "$(stat -c %a alice.key)" = 600 ] || fail "private key readable by others"
expect_exit 3 "$PANYA" keygen -o alice
expect_text "not overwriting"
expect_exit 0 "$PANYA" keygen -o mallory

expect_exit 0 "$PANYA" pack src -o signed.panya --profile source --sign alice.key
expect_text "signed by key $key_id"
expect_exit 0 "$PANYA" pack src -o unsigned.panya --profile source
expect_exit 0 "$PANYA" verify --key alice.pub signed.panya
expect_text "signed by $key_id"
expect_exit 0 "$PANYA" verify signed.panya
expect_text "not checked"
# A private key file also serves to check.
expect_exit 0 "$PANYA" verify --key alice.key signed.panya

# Signing is deterministic, like packing.
expect_exit 0 "$PANYA" pack src -o signed2.panya --profile source --sign alice.key
cmp -s signed.panya signed2.panya || fail "signed packs differ"

expect_exit 1 "$PANYA" verify --key mallory.pub signed.panya
expect_text "signed by $key_id, not by the given key"
expect_exit 1 "$PANYA" verify --key alice.pub unsigned.panya
expect_text "not signed"
expect_exit 2 "$PANYA" verify --key src/index.html signed.panya
expect_exit 2 "$PANYA" pack src -o x.panya --profile source --sign alice.pub

# One changed byte in the stored manifest.
python3 - signed.panya manifest.panya <<'PY'
import sys
from bundle_layout import footer_size, get_u64
data = bytearray(open(sys.argv[1], 'rb').read())
size, _ = footer_size(data)
data[get_u64(data, len(data) - size + 48) + 10] ^= 0x01
open(sys.argv[2], 'wb').write(data)
PY
expect_exit 1 "$PANYA" verify --key alice.pub manifest.panya
expect_text "manifest is damaged"

# One changed byte in an object (the first media file).
python3 - signed.panya src/media/clip1.mp4 object.panya <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
at = data.find(open(sys.argv[2], 'rb').read()[:64])
assert at > 0
data[at + 1000] ^= 0x80
open(sys.argv[3], 'wb').write(data)
PY
expect_exit 1 "$PANYA" verify --key alice.pub object.panya
expect_text "DAMAGED"

# A consistent forgery: another manifest (one file changed, footer rebuilt) carrying alice's
# signature block. Only the signature check can catch it.
echo "changed" >>src/index.html
expect_exit 0 "$PANYA" pack src -o other.panya --profile source
python3 - signed.panya other.panya forged.panya <<'PY'
import struct, sys
from bundle_layout import footer_size, get_u64, put_u64, rehash_footer
signed = open(sys.argv[1], 'rb').read()
other = open(sys.argv[2], 'rb').read()
size, _ = footer_size(signed)
sig_at = len(signed) - size + 80
block = signed[get_u64(signed, sig_at):get_u64(signed, sig_at) + get_u64(signed, sig_at + 8)]
body, footer = other[:-size], bytearray(other[-size:])
struct.pack_into('<I', footer, 12, struct.unpack_from('<I', footer, 12)[0] | 1)
put_u64(footer, 80, len(body))
put_u64(footer, 88, len(block))
rehash_footer(footer)
open(sys.argv[3], 'wb').write(body + block + bytes(footer))
PY
expect_exit 0 "$PANYA" verify forged.panya
expect_exit 1 "$PANYA" verify --key alice.pub forged.panya
expect_text "does not match the manifest"
echo "sign: OK"
