#!/usr/bin/env python3
"""Writes seed zips for fuzz_archive_input into the folder given (default: the committed
corpus, tests/fuzz/corpus/archive_input): a normal lesson zip, a nested export (zip of zips),
Unicode (Lao) and CP437 names, symbolic links, '..' and absolute entries, a zip64 archive,
a stored and a deflated highly compressible entry, a gzip'd tar (a Moodle backup) with a
link and a '..' entry. Each is a few hundred bytes."""
import io
import os
import struct
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def zip_bytes(entries, **kwargs):
    """entries: list of (ZipInfo or name, data)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, **kwargs) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def symlink_info(name):
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the mode bits are read
    info.external_attr = (0o120777 << 16)
    return info


def cp437_zip():
    """A name in CP437 without the UTF-8 flag (bit 11), as old Windows tools write it."""
    name = "le\x87on/caf\x82.html".encode("latin-1")  # bytes 0x87 0x82: CP437 c-cedilla, e-acute
    data = b"<p>old</p>"
    import zlib
    crc = zlib.crc32(data)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(data), len(data),
                        len(name), 0) + name + data
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, crc, len(data),
                          len(data), len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


def zip64_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        with z.open("big/lesson.html", "w", force_zip64=True) as f:
            f.write(b"<html>zip64</html>")
        z.writestr("small.txt", b"x")
    return buf.getvalue()


def seeds():
    lesson = zip_bytes([
        ("imsmanifest.xml", b"<manifest identifier='m'><organizations/><resources/></manifest>"),
        ("lesson/index.html", b"<html><body>hello</body></html>"),
        ("lesson/", b""),
    ])
    yield "normal.zip", lesson
    yield "nested.zip", zip_bytes([("course/1 lesson.zip", lesson),
                                   ("course/2 lesson.zip", zip_bytes([("inner.zip", lesson)]))])
    yield "unicode.zip", zip_bytes([("ບົດຮຽນ/ໜ້າ.html", "<p>ສະບາຍດີ</p>".encode())])
    yield "cp437.zip", cp437_zip()
    yield "links.zip", zip_bytes([(symlink_info("lesson/passwd"), b"/etc/passwd"),
                                  (symlink_info("up"), b"../../"),
                                  ("lesson/index.html", b"<p>a</p>")])
    yield "dotdot.zip", zip_bytes([("../evil.html", b"x"), ("a/../../b", b"y"),
                                   ("/abs/path", b"z"), ("C:\\win\\path.txt", b"w"),
                                   ("./a//b\\c.txt", b"v")])
    yield "zip64.zip", zip64_zip()
    yield "ratio.zip", zip_bytes([("zeros.bin", bytes(2 << 20))])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("stored.txt", b"stored " * 20)
    yield "stored.zip", buf.getvalue()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in (("moodle_backup.xml", b"<moodle_backup/>"), ("../up.txt", b"u")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("files/link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        t.addfile(link)
        t.addfile(tarfile.TarInfo("lesson.zip"), io.BytesIO(b""))
    yield "backup.mbz", buf.getvalue()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus", "archive_input")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
