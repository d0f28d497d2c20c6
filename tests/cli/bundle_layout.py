"""Footer access for the sideloading tests that craft bundles (signature forgery, a sparse
bundle over 4 GiB). Knows both footer layouts of format 1: 256 bytes with 48-byte dictionary
entries, and 320 bytes with 64-byte entries and a path table (docs/FORMAT.md)."""
import hashlib
import struct


def footer_size(data):
    """Returns (footer size, dictionary entry size) of the bundle bytes `data`."""
    for size, dict_entry in ((256, 48), (320, 64)):
        if data[-size:-size + 8] == b'PANYAIDX' and data[-8:] == b'PANYAEND':
            return size, dict_entry
    raise SystemExit('not a bundle')


def get_u64(buf, at):
    return struct.unpack_from('<Q', buf, at)[0]


def put_u64(buf, at, value):
    struct.pack_into('<Q', buf, at, value)


def rehash_footer(footer):
    """Recomputes the footer hash (the 32 bytes before the end magic) in place."""
    n = len(footer)
    footer[n - 40:n - 8] = hashlib.sha256(bytes(footer[:n - 40])).digest()
